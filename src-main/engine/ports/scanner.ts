/**
 * Scanner: walks the folder (or the hinted part of it) and decides, from metadata, what may have changed
 * against the last committed index. It reads no file contents: the sync engine hashes the candidates.
 *
 * Contract
 * - Paths are relative to the root, '/'-separated, in the OS's own Unicode form (not normalised). A name
 *   that is not valid UTF-8 keeps its exact bytes: each undecodable byte is a lone surrogate
 *   (fsx/raw-name.ts), and such a path reaches node:fs only through fsPath().
 * - Ignored paths (.cofferignore, gitignore syntax, plus built-in temp-file patterns) are not reported.
 * - FIFOs, sockets and devices are reported in `skipped`, never read. Unreadable entries (EACCES) are
 *   reported in `skipped` with the reason, and are NOT reported as deleted. Every skipped entry is one
 *   the sync pass counts as not stored; only ignored paths are left out without a word.
 * - Symlinks are reported as symlinks with their target text; they are never followed.
 * - A file is a candidate when size, mtime, inode or mode differ from the index, when it is new, or when
 *   its mtime is so recent that a same-size rewrite within the clock granularity could hide ("racily
 *   clean", as in git).
 * - `deleted` lists indexed paths under the scanned scope that no longer exist.
 * - A full scan (no scope) reports the folder's print (`print`, scan/folder-print.ts) when no file was
 *   racily clean and nothing was skipped. When it equals `expectPrint` the scan stops there: nothing is
 *   a candidate or deleted, `printMatched` is true, and a lazy index (a function) is never called.
 */
export interface Scanner {
  scan(index: ScanIndex, opts?: ScanOptions): Promise<ScanResult>;
}

/** The index to compare with, or a function that builds it, called only when the print did not match. */
export type ScanIndex = ReadonlyMap<string, IndexedEntry> | (() => Promise<ReadonlyMap<string, IndexedEntry>>);

export interface ScanOptions {
  /** Restrict the walk to these relative paths (files or folders). Absent: the whole root. */
  scope?: string[];
  signal?: AbortSignal;
  /** The print of the folder as the index knows it: a scan that finds the same print stops early. */
  expectPrint?: string;
}

/** What the index remembers of a path from the last commit. */
export interface IndexedEntry {
  kind: 'file' | 'symlink' | 'dir';
  size: number;
  mtimeMs: number;
  mode: number;
  ino?: number;
  hash?: string;
}

export interface ScanEntry {
  path: string;
  kind: 'file' | 'symlink' | 'dir';
  size: number;
  mtimeMs: number;
  mode: number;
  ino: number;
  /** Symlink target, as stored by the OS. */
  target?: string;
}

export interface ScanResult {
  /** New or possibly modified entries. */
  candidates: ScanEntry[];
  /** Count of entries whose metadata matched the index. */
  unchanged: number;
  deleted: string[];
  skipped: { path: string; reason: string }[];
  /** Every non-ignored entry seen, with metadata, so the index can be refreshed. */
  seen: number;
  /** The folder's print (full scans, nothing racy or skipped); see the contract above. */
  print?: string;
  /** true: the print equalled `expectPrint`, and the folder was not compared with the index. */
  printMatched?: boolean;
}
