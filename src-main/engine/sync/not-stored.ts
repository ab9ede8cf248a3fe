import { FileChangedWhileReadingError, NotRegularFileError } from '../scan/stable-read.ts';
import { coveredBy } from '../scan/rel-path.ts';

/** A file in the folder that is not in the vault as it is now, and why. */
export interface NotStored {
  path: string;
  reason: string;
  /** When a pass last found it so. */
  time: string;
}

/**
 * Why a file the scan found could not be read into the vault, or null when the error is not about that
 * file (a store or key failure: the pass must fail instead). 'gone' means it was deleted meanwhile, which
 * is no loss. Everything else is counted, named, and makes the pass incomplete (exit 3): the rule is that
 * a file is never left out of the vault silently.
 */
export function readFailure(err: unknown, root: string): { kind: 'gone' } | { kind: 'error' | 'skip'; reason: string } | null {
  if (err instanceof FileChangedWhileReadingError) return { kind: 'skip', reason: 'changed while being read; will be stored on the next pass' };
  if (err instanceof NotRegularFileError) return { kind: 'skip', reason: 'replaced by a folder or another kind of entry while syncing; will be stored on the next pass' };
  const e = err as NodeJS.ErrnoException | null;
  // These codes are about the local file only when they name a path in the folder (not the spool or a remote).
  const local = typeof e?.path === 'string' && e.path.startsWith(`${root}/`);
  if (!local && (e?.code === 'ELOOP' || e?.code === 'ENOTDIR' || e?.code === 'EISDIR' || e?.code === 'EIO')) return null;
  switch (e?.code) {
    case 'ENOENT': return { kind: 'gone' };
    case 'EACCES': case 'EPERM': return { kind: 'error', reason: 'permission denied; not backed up (the stored version, if any, is kept)' };
    // O_NOFOLLOW met a symlink, or a parent folder became a file: the entry changed kind since the scan.
    case 'ELOOP': case 'ENOTDIR': case 'EISDIR': return { kind: 'skip', reason: 'replaced by another kind of entry while syncing; will be stored on the next pass' };
    case 'EIO': return { kind: 'error', reason: 'read error (EIO); not backed up (the stored version, if any, is kept)' };
    default: return null;
  }
}

/** The reason shown for an entry the scanner skipped, with what the user can do about it. */
export function scanSkipReason(reason: string): string {
  if (reason === 'fifo' || reason === 'socket' || reason === 'device' || reason === 'unknown file type') {
    return `${reason}: Coffer does not store special files; add it to .cofferignore to leave it out on purpose`;
  }
  if (reason === 'permission denied') return 'permission denied; not backed up (the stored version, if any, is kept)';
  return `${reason}; not backed up`;
}

/**
 * The not-stored list after a pass: what this pass found, plus what earlier passes found outside the part
 * of the folder this pass looked at (a watch batch scans only a few paths and must not forget the rest).
 * `scope` undefined means the whole folder.
 */
export function mergeNotStored(previous: readonly NotStored[], scope: readonly string[] | undefined, found: readonly NotStored[]): NotStored[] {
  const scanned = new Set(scope ?? ['']);
  const byPath = new Map<string, NotStored>();
  for (const p of previous) if (!coveredBy(scanned, p.path)) byPath.set(p.path, p);
  for (const p of found) byPath.set(p.path, p);
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
