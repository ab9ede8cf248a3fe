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
  const index = await loadIndex(paths.index).catch(() => null);
  const seen = await readJsonFile(seenPath(paths), (raw) => SeenHeadSchema.parse(raw)).catch(() => null);
  return Math.max(index?.generation ?? 0, seen?.generation ?? 0);
}

export async function recordSeenGeneration(paths: VaultPaths, generation: number): Promise<void> {
  await writeFileAtomic(seenPath(paths), JSON.stringify({ version: 1, generation }));
}

/** `coffer reindex` accepts the bucket's head as it is, so the readers' mark starts again from it. */
export async function forgetSeenGeneration(paths: VaultPaths): Promise<void> {
  await rm(seenPath(paths), { force: true });
}
