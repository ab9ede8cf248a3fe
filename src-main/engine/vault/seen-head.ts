import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../fsx/atomic-file.ts';
import { loadIndex } from '../sync/local-index.ts';
import type { VaultPaths } from './state-dir.ts';

/**
 * The highest head generation any reader on this machine has seen (restore, verify, versions), kept
 * beside the sync index. The index says what this device committed or synced; readers cannot write it
 * (the syncer owns it, under the journal lock), so they record what they saw here. A machine that only
 * ever restores (opened from the bucket) thus still notices a head rolled back since its last visit.
 */
const SeenHeadSchema = z.strictObject({ version: z.literal(1), generation: z.number().int().nonnegative() });

const seenPath = (paths: VaultPaths) => join(paths.dir, 'seen-head.json');

/** max(the index's generation, the readers' mark); 0 on a machine with no state for this vault. */
export async function lastSeenGeneration(paths: VaultPaths): Promise<number> {
  // A damaged file must not block a restore (what one wants when things are broken); the other record
  // still counts, and sync refuses a damaged index on its own.
  const known = await loadIndex(paths.index).catch(() => null);
  return Math.max(known?.generation ?? 0, await readersSeenGeneration(paths));
}

/** The readers' mark alone (seen-head.json); 0 when there is none or it is damaged. */
export async function readersSeenGeneration(paths: VaultPaths): Promise<number> {
  const seen = await readJsonFile(seenPath(paths), (raw) => SeenHeadSchema.parse(raw)).catch(() => null);
  return seen?.generation ?? 0;
}

export async function recordSeenGeneration(paths: VaultPaths, generation: number): Promise<void> {
  await writeFileAtomic(seenPath(paths), JSON.stringify({ version: 1, generation }));
}

/** `coffer reindex` accepts the bucket's head as it is, so the readers' mark starts again from it. */
export async function forgetSeenGeneration(paths: VaultPaths): Promise<void> {
  await rm(seenPath(paths), { force: true });
}
