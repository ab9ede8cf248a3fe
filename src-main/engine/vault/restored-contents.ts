import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../fsx/atomic-file.ts';
import { ChunkSchema, type FileEntry } from '../manifest/schema.ts';
import type { RestoredHint } from '../sync/store-content.ts';
import type { VaultPaths } from './state-dir.ts';

/**
 * What a restore into the vault's own folder wrote, so the next pass stores it without uploading it again
 * (docs/ARCHITECTURE.md §Restore view). A version from an older snapshot, a deleted file put back, or a
 * restored copy is content the bucket already holds, but the pass only knows the contents of the head's
 * tree: without this hint it would seal and upload those bytes as new. Each hint names the path written,
 * the content's hash and the chunks of the snapshot it came from; the pass reuses the chunks only when the
 * file it reads there has that very hash and the chunk objects are still stored (sync/store-content.ts),
 * so an edited file, or objects a prune took meanwhile, are uploaded as usual. Hints expire after a day
 * (a pass normally runs seconds after the restore).
 */
const FILE = 'restored-contents.json';
const TTL_MS = 24 * 60 * 60 * 1000;
/** A restore of a huge selection keeps its newest hints; the rest are uploaded as new content, nothing lost. */
const MAX_HINTS = 200_000;

const HintSchema = z.strictObject({
  path: z.string().min(1), hash: z.string().regex(/^[0-9a-f]{64}$/), chunks: z.array(ChunkSchema), at: z.number(),
});
const DocSchema = z.strictObject({ version: z.literal(1), hints: z.array(HintSchema) });
type Hint = z.infer<typeof HintSchema>;

async function readHints(paths: VaultPaths, now: number): Promise<Hint[]> {
  // A damaged file only costs uploads: it is read as empty and rewritten by the next restore.
  const doc = await readJsonFile(join(paths.dir, FILE), (raw) => DocSchema.parse(raw)).catch(() => null);
  return (doc?.hints ?? []).filter((h) => now - h.at < TTL_MS && h.at <= now + TTL_MS);
}

/** Records the files a restore is about to write into the vault folder (vault paths, as written there). */
export async function recordRestoredContents(
  paths: VaultPaths, written: readonly { path: string; entry: FileEntry }[], now: number,
): Promise<void> {
  const fresh = written.filter(({ entry }) => entry.type === 'file' && entry.hash && entry.chunks);
  if (fresh.length === 0) return;
  const byPath = new Map((await readHints(paths, now)).map((h) => [h.path, h]));
  for (const { path, entry } of fresh) {
    byPath.delete(path);
    byPath.set(path, { path, hash: entry.hash!, chunks: entry.chunks!, at: now });
  }
  const hints = [...byPath.values()].slice(-MAX_HINTS);
  await writeFileAtomic(join(paths.dir, FILE), JSON.stringify({ version: 1, hints }));
}

/** The hints still fresh, by path, for a pass (store-content.ts `restoredContents`). */
export async function restoredContents(paths: VaultPaths, now: number): Promise<ReadonlyMap<string, RestoredHint>> {
  return new Map((await readHints(paths, now)).map((h) => [h.path, { hash: h.hash, chunks: h.chunks }]));
}
