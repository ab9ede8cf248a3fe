import type { ExistingFiles } from '../engine/errors.ts';
import type { CommandContext } from './context.ts';

/** `--overwrite` / `--skip-existing` (commander refuses both at once); neither: refuse a non-empty target. */
export function existingChoice(flags: CommandContext['flags']): ExistingFiles {
  if (flags.overwrite === true) return 'overwrite';
  if (flags['skip-existing'] === true) return 'skip';
  return 'refuse';
}
