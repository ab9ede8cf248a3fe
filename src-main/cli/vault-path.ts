import { isAbsolute, resolve } from 'node:path';
import { relativeInside } from '../engine/api.ts';
import { UsageError } from './prompt.ts';

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
