import { baseName, windowsNameProblem } from '../fsx/portable-names.ts';
import { displayName } from '../fsx/raw-name.ts';

/** Names listed one by one in a pass's warnings; beyond that, one line counts the rest. */
const LISTED = 20;

/**
 * Warnings for names this pass stored for the first time that a restore on Windows could not create
 * (fsx/portable-names.ts). Only new paths are given, so each name is warned about once, in the pass that
 * first stores it; the file is stored all the same and restores under its name on Linux and macOS.
 */
export function unportableNameWarnings(added: readonly string[]): string[] {
  const found: string[] = [];
  for (const path of added) {
    const why = windowsNameProblem(baseName(path));
    if (why) found.push(`${JSON.stringify(displayName(path))} will not restore on Windows (${why}); it is stored and restores on Linux and macOS`);
  }
  if (found.length <= LISTED) return found;
  return [...found.slice(0, LISTED), `and ${found.length - LISTED} more names stored this pass will not restore on Windows`];
}
