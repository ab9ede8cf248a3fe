/**
 * A pool of worker threads that read, cut and name file windows (cut-window.ts) off the main thread.
 *
 * It is sized to the machine and starts threads on demand; idle threads exit after `idleTimeoutMs`, so a
 * CLI process that forgets close() still ends. When the workers cannot start (no worker_threads, a
 * packaged app that cannot load the file), every window runs in-process instead: same results, no error.
 *
 * The worker is loaded from tsc's output or the sources (install-paths.ts; the CLI bundle has no worker
 * of its own): `cut-worker.js` in dist/src-main/, and `cut-worker.ts` when running from source (vitest, scripts), where Node 20 needs the repository's
 * TypeScript loader (test/support/ts-loader.mjs) in the worker.
 */
import { availableParallelism } from 'node:os';
import { ownModuleUrl, packageRootUrl } from '../../install-paths.ts';
import type { Piscina } from 'piscina';
import { cutWindow, type CutWindow, type WindowTask } from './cut-window.ts';
import type { CutWorkerTask } from './cut-worker.ts';

export interface CutPoolOptions {
  /** Threads at most. Default: os.availableParallelism(). */
  threads?: number;
  /** An idle thread exits after this long. Default 2000 ms. */
  idleTimeoutMs?: number;
  /** The worker module. Default: cut-worker beside this file (tests pass one that fails to load). */
  workerUrl?: URL;
}

export class CutPool {
  readonly #opts: CutPoolOptions;
  #piscina: Piscina<CutWorkerTask, CutWindow | 'pong'> | null = null;
  #started: Promise<boolean> | null = null;
  /** The threads answered their ping: windows go to them from now on. */
  #ready = false;
  /** A window runs in-process while the threads start (one at a time). */
  #bridging = false;
  /** Where the windows ran (tests look). */
  readonly counts = { inProcess: 0, threaded: 0 };

  constructor(opts: CutPoolOptions = {}) {
    this.#opts = opts;
  }

  /** True when windows run on worker threads; false when they fall back to in-process. */
  threaded(): Promise<boolean> {
    this.#started ??= this.#start();
    return this.#started;
  }

  /**
   * Reads, cuts and names one window (cut-window.ts), on a worker thread when the pool runs.
   *
   * The threads take ~100 ms to start (a thread, its modules, the ping), and the main thread would only
   * wait for them meanwhile: so while they start, one window at a time is cut here instead. A pass that
   * chunks one file of a few MiB (an append to a document) is done before the pool is up; a cold pass
   * hands its later windows to the threads as soon as they answer. Same results either way.
   */
  async cut(task: WindowTask): Promise<CutWindow> {
    const threaded = this.threaded();
    if (!this.#ready && !this.#bridging) {
      this.#bridging = true;
      try {
        return await this.#inProcess(task);
      } finally {
        this.#bridging = false;
      }
    }
    if (!(await threaded)) return this.#inProcess(task);
    this.counts.threaded++;
    const reply = await this.#piscina!.run(task);
    if (reply === 'pong') throw new Error('cut worker answered a window with a ping reply');
    return reply;
  }

  #inProcess(task: WindowTask): Promise<CutWindow> {
    this.counts.inProcess++;
    return cutWindow(task);
  }

  /** Ends the threads once their tasks are done. */
  async close(): Promise<void> {
    if (this.#started) await this.#started;
    await this.#piscina?.close();
  }

  // piscina is loaded, and the pool made, on the first window: a pass that chunks no file never pays for it.
  async #start(): Promise<boolean> {
    const piscina = await this.#makePiscina();
    if (!piscina) return false;
    // A worker that fails to load never takes the ping: piscina reports it as an 'error' event (which,
    // with no listener, would be an uncaught exception) and the task stays queued.
    const loadFailed = new Promise<false>((resolve) => piscina.once('error', () => resolve(false)));
    const answered = piscina.run({ ping: true }).then((reply) => reply === 'pong', () => false);
    if (await Promise.race([answered, loadFailed])) {
      this.#piscina = piscina;
      this.#ready = true;
      return true;
    }
    // Stop trying: each later window would fail the same way.
    await piscina.destroy().catch(() => undefined);
    return false;
  }

  async #makePiscina(): Promise<Piscina<CutWorkerTask, CutWindow | 'pong'> | null> {
    const workerUrl = this.#opts.workerUrl ?? defaultWorkerUrl();
    try {
      const { Piscina } = await import('piscina');
      const piscina = new Piscina<CutWorkerTask, CutWindow | 'pong'>({
        filename: workerUrl.href,
        minThreads: 0,
        maxThreads: Math.max(1, this.#opts.threads ?? availableParallelism()),
        idleTimeout: this.#opts.idleTimeoutMs ?? 2000,
        execArgv: workerUrl.pathname.endsWith('.ts') ? ['--import', tsLoader().href] : [],
      });
      // Errors of a worker between tasks (piscina's 'error' event) must not crash the process; a task's
      // own failure still rejects its run().
      piscina.on('error', () => undefined);
      return piscina;
    } catch {
      return null;
    }
  }
}

const tsLoader = () => new URL('test/support/ts-loader.mjs', packageRootUrl());

/** The worker script from tsc's output (or the sources), also when this module runs inside the CLI bundle. */
const defaultWorkerUrl = () => ownModuleUrl('engine/chunking/cut-worker');
