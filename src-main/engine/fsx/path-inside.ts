import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';

/**
 * The path inside `folder` that `abs` names ('' for the folder itself, `/`-separated), or null when it is
 * outside. The folder is compared as registered and as its real path: the shell's current folder is a
 * real path, while the folder may have been registered through a symlink (/tmp on macOS, a symlinked home).
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

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
