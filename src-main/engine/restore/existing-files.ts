import { lstat, readdir, stat } from 'node:fs/promises';
import { fsPath, displayName } from '../fsx/raw-name.ts';
import { resolveRestoreTarget } from './safe-path.ts';

/**
 * What a restore does with a file or symlink that is already where it would write one:
 *   - 'refuse' (the default): nothing is written at all; RestoreConflictError says how many are in the way;
 *   - 'overwrite': replace them (a symlink in the way is replaced, never followed);
 *   - 'skip': keep them and restore the rest;
 *   - 'keep-both': keep them and write the restored one beside it as a copy (restore/copy-name.ts).
 * Folders that exist are always fine; extra files in the target that the vault does not name are never touched.
 */
export type ExistingFiles = 'refuse' | 'overwrite' | 'skip' | 'keep-both';

/** The target already holds files the restore would write; nothing was written. */
export class RestoreConflictError extends Error {
  constructor(readonly toDir: string, readonly existing: number, readonly examples: string[]) {
    super(`${conflictSummary(toDir, existing, examples)}. Choose to overwrite them or to skip them`);
    this.name = 'RestoreConflictError';
  }
}

/** "<dir> already holds 3 files this restore would write (a, b, c); nothing was written" */
export function conflictSummary(toDir: string, existing: number, examples: string[]): string {
  const eg = examples.slice(0, 3).map(displayName).join(', ');
  return `${toDir} already holds ${existing} ${existing === 1 ? 'file' : 'files'} this restore would write `
    + `(${eg}${existing > 3 ? ', …' : ''}); nothing was written`;
}

/** The restore target exists and is not a folder. */
export class RestoreTargetError extends Error {
  constructor(readonly toDir: string) {
    super(`${toDir} is a file, not a folder: a restore writes into a folder (it is created when missing)`);
    this.name = 'RestoreTargetError';
  }
}

/**
 * Checks the target before anything is written: it must be a folder (or missing), and under 'refuse'
 * none of `relPaths` (the files and symlinks to restore) may exist there. Unsafe paths are left to the
 * restore, which reports them one by one.
 */
export async function checkRestoreTarget(toDir: string, relPaths: string[], existing: ExistingFiles): Promise<void> {
  const st = await lstat(fsPath(toDir)).catch(() => null);
  if (!st) return;
  if (!st.isDirectory() && !(st.isSymbolicLink() && (await isFolder(toDir)))) throw new RestoreTargetError(toDir);
  if (existing !== 'refuse' || (await readdir(fsPath(toDir))).length === 0) return;
  const found: string[] = [];
  for (const rel of relPaths) {
    let target: string;
    try {
      target = resolveRestoreTarget(toDir, rel);
    } catch {
      continue;
    }
    if (await lstat(fsPath(target)).then(() => true, () => false)) found.push(rel);
  }
  if (found.length) throw new RestoreConflictError(toDir, found.length, found);
}

async function isFolder(path: string): Promise<boolean> {
  return stat(fsPath(path)).then((s) => s.isDirectory(), () => false);
}
