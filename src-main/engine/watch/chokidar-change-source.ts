import { lstatSync, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { ChokidarOptions, FSWatcher } from 'chokidar';
import type { ChangeHint, ChangeSource } from '../ports/change-source.ts';
import { IGNORE_FILE, type PathFilter } from '../scan/ignore-rules.ts';
import { toRelPath } from '../scan/rel-path.ts';
import { hintsForWatchError } from './watch-errors.ts';

export interface ChokidarChangeSourceOptions {
  /** Absolute path of the folder to watch. */
  root: string;
  /** The same rules the scanner uses (share the instance). */
  ignore: PathFilter;
  /** Folders never watched even when inside the root (the Coffer state dir). */
  excludeAbsolute?: string[];
  /** Polling instead of inotify/FSEvents, e.g. for network drives. Default false. */
  usePolling?: boolean;
  /** Seam for tests; default chokidar's watch(). */
  watchFactory?: (root: string, opts: ChokidarOptions) => FSWatcher;
}

type WatchEvent = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

/**
 * ChangeSource over chokidar 5. Symlinks are not followed; ignored paths and the state dir are never
 * watched (so they cost no inotify watch). No awaitWriteFinish: it delays every event, and the scanner
 * plus stable reads already cope with files mid-write.
 *
 * When `.cofferignore` changes, the watcher is rebuilt (folders that were ignored are not watched at
 * all) and an 'overflow' hint asks for a full rescan, since what is visible has changed.
 */
export class ChokidarChangeSource implements ChangeSource {
  private readonly root: string;
  private readonly excludes: string[];
  private watcher: FSWatcher | null = null;
  private onHint: ((hint: ChangeHint) => void) | null = null;
  private generation = -1;
  private reopening: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ChokidarChangeSourceOptions) {
    this.root = resolve(opts.root);
    this.excludes = (opts.excludeAbsolute ?? []).map((p) => resolve(p));
  }

  async start(onHint: (hint: ChangeHint) => void): Promise<void> {
    if (this.onHint) throw new Error('ChokidarChangeSource already started');
    this.onHint = onHint;
    await this.open();
  }

  async stop(): Promise<void> {
    this.onHint = null;
    await this.reopening;
    const w = this.watcher;
    this.watcher = null;
    await w?.close();
  }

  private async open(): Promise<void> {
    this.generation = this.opts.ignore.generation;
    // chokidar is loaded when a watch starts: one-shot commands (sync, restore) never pay for it.
    const factory = this.opts.watchFactory ?? (await import('chokidar')).watch;
    if (this.onHint === null) return; // stopped while loading: start no watcher that nothing would close
    const w = factory(this.root, {
      ignoreInitial: true,
      followSymlinks: false,
      atomic: false, // its own dotfile filter and unlink/add merging would hide hints
      ignorePermissionErrors: true, // unreadable folders are the scanner's to report
      usePolling: this.opts.usePolling ?? false,
      ignored: (p: string, st?: Stats) => this.isIgnored(p, st),
    });
    this.watcher = w;
    const live = (): boolean => this.watcher === w && this.onHint !== null;
    w.on('all', (event, path) => {
      if (live()) this.onEvent(event as WatchEvent, path);
    });
    w.on('raw', (_event, name, details) => {
      const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
      if (!live() || typeof name !== 'string' || !name.includes('\uFFFD') || typeof watched !== 'string') return;
      const dir = toRelPath(this.root, watched);
      if (dir !== null) this.onMangledName(dir === '' ? name : `${dir}/${name}`);
    });
    w.on('error', (err) => {
      if (live()) for (const h of hintsForWatchError(err)) this.emit(h);
    });
    await new Promise<void>((res) => w.once('ready', () => res()));
  }

  private onEvent(event: WatchEvent, abs: string): void {
    const rel = toRelPath(this.root, abs);
    if (rel === null) return;
    if (rel === '') {
      if (event === 'unlinkDir') for (const h of hintsForWatchError(new Error(`the watched folder ${this.root} was removed`))) this.emit(h);
      return;
    }
    if (rel.includes('\uFFFD')) return this.onMangledName(rel);
    this.emit({ kind: event, path: rel });
    if (rel === IGNORE_FILE) this.reopening = this.reopening.then(() => this.onIgnoreFileChanged());
  }

  /**
   * chokidar decodes names as UTF-8 and turns bytes that are not into U+FFFD, so it cannot stat such a
   * file and reports nothing for it; only its raw event says that something in a folder changed. Hint the
   * nearest folder whose path is not mangled: the scanner lists it with exact bytes (fsx/raw-name.ts).
   * Inside a folder whose own name is not UTF-8 nothing is watched; the periodic full rescan covers it.
   */
  private onMangledName(rel: string): void {
    const cut = rel.lastIndexOf('/', rel.indexOf('\uFFFD'));
    if (cut === -1) this.emit({ kind: 'overflow', path: '', detail: 'a name that is not UTF-8 changed: rescanning' });
    else this.emit({ kind: 'addDir', path: rel.slice(0, cut) });
  }

  private async onIgnoreFileChanged(): Promise<void> {
    await this.opts.ignore.refresh().catch(() => false);
    if (this.opts.ignore.generation === this.generation || this.onHint === null) return;
    const old = this.watcher;
    this.watcher = null;
    await old?.close();
    if (this.onHint === null) return;
    await this.open();
    // After the new watcher is ready, so whatever changed during the swap is caught by the rescan.
    this.emit({ kind: 'overflow', path: '', detail: `${IGNORE_FILE} changed: rescanning everything` });
  }

  private emit(h: ChangeHint): void {
    this.onHint?.(h);
  }

  private isIgnored(abs: string, st?: Stats): boolean {
    for (const e of this.excludes) if (abs === e || abs.startsWith(e + sep)) return true;
    const rel = toRelPath(this.root, abs);
    if (rel === null || rel === '') return false;
    if (st) return this.opts.ignore.ignores(rel, st.isDirectory());
    if (this.opts.ignore.ignores(rel, false)) return true;
    // chokidar sometimes asks without Stats; only a folder-only rule ("build/") then needs the real type.
    if (!this.opts.ignore.ignores(rel, true)) return false;
    try {
      return lstatSync(abs).isDirectory();
    } catch {
      return false;
    }
  }
}
