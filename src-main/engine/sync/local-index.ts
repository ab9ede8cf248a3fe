import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../fsx/atomic-file.ts';
import { FileEntrySchema } from '../manifest/schema.ts';

/**
 * What this device remembers between passes: which head it last committed or saw (rollback detection),
 * its own commit sequence number, and inode numbers (device-local, so never put in the manifest).
 */
const LocalIndexSchema = z.strictObject({
  version: z.literal(1),
  rootId: z.string().nullable(),
  etag: z.string().nullable(),
  generation: z.number().int().nonnegative(),
  deviceSeq: z.number().int().nonnegative(),
  inodes: z.record(z.string(), z.number()),
  lastPrune: z.string().optional(),
  lastSync: z.string().optional(),
  /** Files in the folder that the last passes could not put in the vault (shown by `status`). */
  notStored: z.array(z.strictObject({ path: z.string(), reason: z.string(), time: z.string() })).optional(),
  /**
   * Paths a pull left alone because the file changed locally after the scan (pull-pass.ts): for them this
   * device's own view is this entry (null: the path was absent), not the committed tree's, so the next
   * pass sees both sides changed and makes the conflict copy instead of overwriting either.
   */
  heldBack: z.record(z.string(), FileEntrySchema.nullable()).optional(),
  /**
   * How a pulled file looks on this disk when that differs from its tree entry (a restored mtime loses
   * the sub-millisecond part; special mode bits are dropped): the scan compares with this while `hash`
   * is still the tree's content for the path, so a pulled file is not taken for a local edit.
   */
  localMeta: z.record(z.string(), z.strictObject({ hash: z.string().optional(), size: z.number(), mtimeMs: z.number(), mode: z.number() })).optional(),
});
export type LocalIndex = z.infer<typeof LocalIndexSchema>;

export function emptyIndex(): LocalIndex {
  return { version: 1, rootId: null, etag: null, generation: 0, deviceSeq: 0, inodes: {} };
}

export async function loadIndex(path: string): Promise<LocalIndex> {
  try {
    return (await readJsonFile(path, (raw) => LocalIndexSchema.parse(raw))) ?? emptyIndex();
  } catch (err) {
    throw new Error(`the local index ${path} is damaged (${(err as Error).message}); run "coffer reindex" to rebuild it from the bucket`);
  }
}

export async function saveIndex(path: string, index: LocalIndex): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(index));
}
