import { lstat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { Stats } from 'node:fs';
import type { IndexedEntry, ScanIndex, ScanOptions, ScanResult, Scanner } from '../ports/scanner.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import type { PathFilter } from './ignore-rules.ts';
import { ScanRun } from './scan-run.ts';
import { FolderPrint } from './folder-print.ts';
import { ancestorsOf, assertRelPath, collapsePaths, coveredBy } from './rel-path.ts';
import { fsPath } from '../fsx/raw-name.ts';

export interface FsScannerOptions {
  /** Absolute path of the watched folder. */
  root: string;
  ignore: PathFilter;
  /** Scan start for the racily-clean rule. Default: the system clock. */
  clock?: Clock;
  /** Folders never entered even when inside the root (the Coffer state dir). */
  excludeAbsolute?: string[];
  /** A file whose mtime is this close to the scan start is always a candidate. Default 2000 ms. */
  racyWindowMs?: number;
  /** lstat calls in flight per folder. Default 8. */
  lstatConcurrency?: number;
  /** Folders listed at once. Default 4. */
  dirConcurrency?: number;
}

/**
 * Scanner over the local file system. See ports/scanner.ts for the contract; the choices made here:
 * - A missing or unlistable root throws: an unmounted drive must not look like "everything deleted".
 * - Scoped paths are re-anchored at the first ancestor that is not a real folder (a symlink, a file,
 *   or nothing), so a scope never reaches through a symlink and a vanished parent yields deletions.
 * - An indexed path that still exists but is now ignored is reported in `deleted`: it has left the
 *   backed-up set (its history stays in the vault).
 * - Unreadable entries, and everything indexed under an unreadable folder, are never reported deleted.
 */
export class FsScanner implements Scanner {
  private readonly root: string;
  private readonly clock: Clock;
  private readonly excludes: string[];

  constructor(private readonly opts: FsScannerOptions) {
    this.root = resolve(opts.root);
    this.clock = opts.clock ?? systemClock;
    this.excludes = (opts.excludeAbsolute ?? []).map((p) => resolve(p));
  }

  async scan(index: ScanIndex, opts: ScanOptions = {}): Promise<ScanResult> {
    const racyBefore = this.clock.now() - (this.opts.racyWindowMs ?? 2000);
    const rootStat = await lstat(this.root).catch((err: Error) => {
      throw new Error(`Cannot scan ${this.root}: ${err.message}`, { cause: err });
    });
    if (!rootStat.isDirectory()) throw new Error(`Cannot scan ${this.root}: not a folder`);
    await this.opts.ignore.refresh();
    const excluded = await this.excludedIds();
    const excludedPaths = new Set(this.excludes);
    const print = opts.scope === undefined ? new FolderPrint(racyBefore) : null;
    const run = new ScanRun({
      root: this.root,
      ignore: this.opts.ignore,
      racyBefore,
      print,
      isExcluded: (abs: string, st: Stats) => excludedPaths.has(abs) || excluded.has(`${st.dev}:${st.ino}`),
      lstatConcurrency: this.opts.lstatConcurrency ?? 8,
      dirConcurrency: this.opts.dirConcurrency ?? 4,
      signal: opts.signal,
    });
    const roots = opts.scope === undefined ? [''] : await this.anchorScope(run, opts.scope);
    for (const r of roots) {
      if (r === '') {
        run.enqueue('');
        continue;
      }
      try {
        run.record(r, await lstat(fsPath(run.abs(r))));
      } catch (err) {
        run.skip(r, err as NodeJS.ErrnoException);
      }
    }
    await run.walk();
    const digest = run.result.skipped.length === 0 ? print?.digest() ?? null : null;
    if (digest) run.result.print = digest;
    // The folder is exactly as when the caller's print was taken: nothing to compare, the index unneeded.
    if (digest && digest === opts.expectPrint) return { ...run.result, unchanged: run.result.seen, printMatched: true };
    const known: ReadonlyMap<string, IndexedEntry> = typeof index === 'function' ? await index() : index;
    run.compare(known);
    await run.finishCandidates();
    const scopeSet = new Set(roots);
    for (const path of known.keys()) {
      if (run.seen.has(path) || !coveredBy(scopeSet, path) || coveredBy(run.unreadable, path)) continue;
      run.result.deleted.push(path);
    }
    return run.result;
  }

  private async anchorScope(run: ScanRun, scope: string[]): Promise<string[]> {
    const roots = collapsePaths(scope.map(assertRelPath));
    const anchored: string[] = [];
    for (const r of roots) {
      const abs = run.abs(r);
      if (this.excludes.some((e) => abs === e || abs.startsWith(e + sep))) continue;
      anchored.push(await this.firstNonFolder(run, r));
    }
    return collapsePaths(anchored);
  }

  /** `rel`, or its nearest-to-root ancestor that is not a real folder and so must be scanned itself. */
  private async firstNonFolder(run: ScanRun, rel: string): Promise<string> {
    for (const a of ancestorsOf(rel)) {
      try {
        if (!(await lstat(fsPath(run.abs(a)))).isDirectory()) return a;
      } catch {
        return a;
      }
    }
    return rel;
  }

  private async excludedIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const p of this.excludes) {
      const st = await lstat(p).catch(() => null);
      if (st) ids.add(`${st.dev}:${st.ino}`);
    }
    return ids;
  }
}
