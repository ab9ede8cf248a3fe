import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UsageError } from './prompt.ts';

/**
 * The path inside `folder` that `abs` names ('' for the folder itself), or null when it is outside. The
 * folder is compared as registered and as its real path: the shell's current folder is a real path,
 * while the folder may have been registered through a symlink (/tmp on macOS, a symlinked home).
 */
export function relativeInside(folder: string, abs: string): string | null {
  for (const base of new Set([folder, real(folder)])) {
    for (const p of new Set([abs, real(abs)])) {
      const r = relative(base, p);
      if (r === '') return '';
      if (!r.startsWith('..') && !isAbsolute(r)) return r.split(sep).join('/');
    }
  }
  return null;
}

/**
 * `restore --path`: a path in the vault, as a person types it. Inside the Coffer folder it is relative to
 * the current folder (like git); outside it, or for a vault read from the bucket alone, it is relative to
 * the vault's top. An absolute path must lie inside the folder. Undefined means the whole vault.
 */
export function vaultPathArg(arg: string | undefined, folder: string | undefined, cwd = process.cwd()): string | undefined {
  if (arg === undefined) return undefined;
  if (folder) {
    const inside = relativeInside(folder, resolve(cwd, arg));
    if (inside !== null && (isAbsolute(arg) || relativeInside(folder, cwd) !== null)) return inside === '' ? undefined : inside;
    if (isAbsolute(arg)) throw new UsageError(`--path ${arg} is not inside the Coffer folder ${folder}`);
  } else if (isAbsolute(arg)) {
    throw new UsageError(`--path ${arg}: give a path inside the vault (e.g. docs/letter.txt), not an absolute one, when reading from the bucket`);
  }
  const clean = arg.split(/[/]+/).filter((s) => s !== '' && s !== '.').join('/');
  return clean === '' ? undefined : clean;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
