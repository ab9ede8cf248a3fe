import { displayName } from '../engine/api.ts';

export { formatBytes } from '../engine/api.ts';

// How commands show sizes, paths and left-out files (main.ts and output.ts stay free of the engine, so
// `coffer --help` does not load it).

/** A path for people: bytes that are not UTF-8 shown as \xHH (fsx/raw-name.ts). */
export function showPath(p: string): string {
  return displayName(p);
}

/** The files a pass left out of the vault, named (at most `max`), or '' when there are none. */
export function notStoredLines(problems: readonly { path: string; reason: string }[], max = 20): string {
  if (problems.length === 0) return '';
  const lines = problems.slice(0, max).map((p) => `  ${showPath(p.path)}: ${p.reason}`);
  if (problems.length > max) lines.push(`  … and ${problems.length - max} more (coffer status --json lists them all)`);
  return `\n${problems.length} ${problems.length === 1 ? 'file is' : 'files are'} not in the vault:\n${lines.join('\n')}`;
}
