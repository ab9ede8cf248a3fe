import { access, readdir, readlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import type { IndexedEntry, ScanEntry, ScanResult } from '../ports/scanner.ts';
import type { PathFilter } from './ignore-rules.ts';
import { lstatBatch } from './lstat-batch.ts';
import { decodeName, fsPath } from '../fsx/raw-name.ts';
import { isCandidate, isPermissionError, kindOfStats, toScanEntry } from './classify.ts';
import type { FolderPrint, Observed } from './folder-print.ts';

export interface RunContext {
  root: string;
  ignore: PathFilter;
  racyBefore: number;
  /** Collects the folder's fingerprint (full scans only). */
  print: FolderPrint | null;
  /** True for a folder the scanner must never enter (the Coffer state dir). */
  isExcluded(abs: string, st: Stats): boolean;
  lstatConcurrency: number;
  dirConcurrency: number;
  signal: AbortSignal | undefined;
}

/**
 * One scan: a work queue of folders drained by a few workers, each listing a folder and then lstat-ing
 * its entries in a small pool. Holds what deletion detection needs afterwards: the paths seen and the
 * paths that could not be read (those, and everything under them, must not count as deleted).
 * The walk only observes; `compare` then judges every entry against the index, so a scan whose folder
 * print matched never needs the index at all (fs-scanner.ts).
 */
export class ScanRun {
  readonly result: ScanResult = { candidates: [], unchanged: 0, deleted: [], skipped: [], seen: 0 };
  readonly seen = new Set<string>();
  readonly unreadable = new Set<string>();
  private readonly observed: Observed[] = [];
  private readonly queue: string[] = [];

  constructor(private readonly ctx: RunContext) {}

  abs(rel: string): string {
    return rel === '' ? this.ctx.root : `${this.ctx.root}/${rel}`;
  }

  /** Records one entry whose Stats are known; folders are queued for the walk. */
  /** `checkedAsDir`: the ignore rules were already applied with this folder-ness (null: not yet). */
  record(rel: string, st: Stats, checkedAsDir: boolean | null = null): void {
    const kind = kindOfStats(st);
    if (typeof kind !== 'string') {
      if (!this.ctx.ignore.ignores(rel, false)) this.result.skipped.push({ path: rel, reason: kind.skip });
      return;
    }
    const isDir = kind === 'dir';
    if (checkedAsDir !== isDir && this.ctx.ignore.ignores(rel, isDir)) return;
    if (kind === 'dir' && this.ctx.isExcluded(this.abs(rel), st)) return;
    this.seen.add(rel);
    this.result.seen++;
    this.observed.push({ rel, kind, st: { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, mode: st.mode } });
    if (kind === 'dir') this.queue.push(rel);
  }

  /** Judges what the walk saw against the index (the Scanner contract's metadata rule). */
  compare(index: ReadonlyMap<string, IndexedEntry>): void {
    for (const { rel, kind, st } of this.observed) {
      if (isCandidate(kind, st, index.get(rel), this.ctx.racyBefore)) this.result.candidates.push(toScanEntry(rel, kind, st));
      else this.result.unchanged++;
    }
  }

  skip(rel: string, err: NodeJS.ErrnoException): void {
    if (err.code === 'ENOENT') return; // vanished between listing and lstat: simply absent
    this.unreadable.add(rel);
    this.result.skipped.push({ path: rel, reason: isPermissionError(err) ? 'permission denied' : `error ${err.code ?? err.message}` });
  }

  enqueue(dirRel: string): void {
    this.queue.push(dirRel);
  }

  async walk(): Promise<void> {
    let active = 0;
    await new Promise<void>((resolve, reject) => {
      const startMore = (): void => {
        if (this.ctx.signal?.aborted) return reject(this.ctx.signal.reason ?? new Error('Scan aborted'));
        while (active < this.ctx.dirConcurrency && this.queue.length > 0) {
          const dir = this.queue.pop()!;
          active++;
          this.listDir(dir).then(() => {
            active--;
            if (active === 0 && this.queue.length === 0) resolve();
            else startMore();
          }, reject);
        }
        if (active === 0 && this.queue.length === 0) resolve();
      };
      startMore();
    });
  }

  private async listDir(dirRel: string): Promise<void> {
    let dirents: Dirent<Buffer>[];
    try {
      // Names as bytes: a name that is not UTF-8 would otherwise come back mangled and unopenable.
      dirents = await readdir(fsPath(this.abs(dirRel)), { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      // An unlistable root is a setup problem to surface, not an empty folder.
      if (dirRel === '') throw new Error(`Cannot scan ${this.ctx.root}: ${e.message}`, { cause: e });
      // A folder that vanished just now has no children; one we cannot list keeps its indexed children.
      if (e.code !== 'ENOENT') this.skip(dirRel, e);
      return;
    }
    const prefix = dirRel === '' ? '' : `${dirRel}/`;
    const toStat: string[] = [];
    const checkedAsDir: (boolean | null)[] = [];
    for (const d of dirents) {
      const rel = prefix + decodeName(d.name);
      if (d.isFIFO() || d.isSocket() || d.isBlockDevice() || d.isCharacterDevice()) {
        // Known from the listing already; no lstat needed to skip it.
        if (!this.ctx.ignore.ignores(rel, false)) {
          this.result.skipped.push({ path: rel, reason: d.isFIFO() ? 'fifo' : d.isSocket() ? 'socket' : 'device' });
        }
        continue;
      }
      const known = d.isDirectory() || d.isFile() || d.isSymbolicLink();
      // Skip lstat for ignored names; types the listing did not give (DT_UNKNOWN) are decided after lstat.
      if (known && this.ctx.ignore.ignores(rel, d.isDirectory())) continue;
      toStat.push(rel);
      checkedAsDir.push(known ? d.isDirectory() : null);
    }
    const stats = await lstatBatch(toStat.map((r) => fsPath(this.abs(r))), this.ctx.lstatConcurrency);
    const from = this.observed.length;
    for (let i = 0; i < toStat.length; i++) {
      const st = stats[i]!;
      if (st instanceof Error) this.skip(toStat[i]!, st);
      else this.record(toStat[i]!, st, checkedAsDir[i] ?? null);
    }
    this.ctx.print?.addDir(dirRel, this.observed.slice(from));
  }

  /**
   * Second pass over candidates only, so unchanged entries cost no I/O beyond lstat: read symlink
   * targets, and check that candidate files are readable (lstat succeeds on a file we cannot open).
   */
  async finishCandidates(): Promise<void> {
    const drop = new Set<ScanEntry>();
    await forEachPooled(this.result.candidates, this.ctx.lstatConcurrency, async (c) => {
      try {
        if (c.kind === 'symlink') c.target = decodeName(await readlink(fsPath(this.abs(c.path)), { encoding: 'buffer' }));
        else if (c.kind === 'file') await access(fsPath(this.abs(c.path)), constants.R_OK);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        drop.add(c);
        // Gone since lstat: absent (so deleted if indexed). Unreadable: skipped, and kept in the index.
        if (e.code === 'ENOENT') this.seen.delete(c.path);
        this.skip(c.path, e);
      }
    });
    if (drop.size === 0) return;
    this.result.candidates = this.result.candidates.filter((c) => !drop.has(c));
    this.result.seen -= drop.size;
  }
}

async function forEachPooled<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
