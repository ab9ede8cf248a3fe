import type { Stats } from 'node:fs';
import type { IndexedEntry, ScanEntry } from '../ports/scanner.ts';

export type EntryKind = ScanEntry['kind'];

/** What the scanner does with a directory entry of this type: keep it as a kind, or skip with a reason. */
export function kindOfStats(st: Stats): EntryKind | { skip: string } {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return { skip: 'fifo' };
  if (st.isSocket()) return { skip: 'socket' };
  if (st.isBlockDevice() || st.isCharacterDevice()) return { skip: 'device' };
  return { skip: 'unknown file type' };
}

/**
 * The metadata rule from the Scanner contract. Folders compare only kind and mode: their mtime moves
 * whenever a child changes, and each changed child is reported on its own.
 * `racyBefore`: a file whose mtime is at or after this instant is a candidate even when everything
 * matches, because a same-size rewrite inside the timestamp granularity would look identical (git's
 * "racily clean" case).
 */
export function isCandidate(
  kind: EntryKind,
  st: Pick<Stats, 'size' | 'mtimeMs' | 'ino' | 'mode'>,
  prev: IndexedEntry | undefined,
  racyBefore: number,
): boolean {
  if (prev === undefined || prev.kind !== kind) return true;
  if (prev.mode !== st.mode) return true;
  if (kind === 'dir') return false;
  if (prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) return true;
  if (prev.ino !== undefined && prev.ino !== st.ino) return true;
  return st.mtimeMs >= racyBefore;
}

export function toScanEntry(path: string, kind: EntryKind, st: Pick<Stats, 'size' | 'mtimeMs' | 'ino' | 'mode'>): ScanEntry {
  return { path, kind, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode, ino: st.ino };
}

export function isPermissionError(err: NodeJS.ErrnoException): boolean {
  return err.code === 'EACCES' || err.code === 'EPERM';
}
