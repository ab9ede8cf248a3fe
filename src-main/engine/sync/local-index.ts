import { z } from 'zod';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fsx/atomic-file.ts';
import { FileEntrySchema } from '../manifest/schema.ts';

/**
 * What this device remembers between passes: which head it last committed or saw (rollback detection),
 * its own commit sequence number, and inode numbers (device-local, so never put in the manifest).
 */
const LocalIndexSchema = z.strictObject({
  version: z.union([z.literal(1), z.literal(2)]),
  rootId: z.string().nullable(),
  etag: z.string().nullable(),
  generation: z.number().int().nonnegative(),
  deviceSeq: z.number().int().nonnegative(),
  inodes: z.record(z.string(), z.number()),
  lastPrune: z.string().optional(),
  lastSync: z.string().optional(),
  /**
   * The folder's print (scan/folder-print.ts) as the last pass left it, when that pass stored every file
   * as scanned and pulled nothing: a pass that scans the same print, with the head unchanged, has
   * nothing to do (plan-pass.ts, the no-change pass). Absent: the next pass compares file by file.
   */
  folderPrint: z.string().optional(),
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
  return { version: 2, rootId: null, etag: null, generation: 0, deviceSeq: 0, inodes: {} };
}

/** The per-path parts that grow with the folder, kept apart so a no-change pass never parses them. */
const BULK = ['inodes', 'heldBack', 'localMeta'] as const;
type Bulk = Pick<LocalIndex, (typeof BULK)[number]>;
const HeaderSchema = LocalIndexSchema.omit({ inodes: true, heldBack: true, localMeta: true }).extend({ version: z.literal(2) });
const BulkSchema = LocalIndexSchema.pick({ inodes: true, heldBack: true, localMeta: true });

/**
 * Reads the index. Version 2 (FORMAT.md §7) is a header line (the head, counters, dates, the folder
 * print) and one block with the per-path parts; the block is parsed and checked on first use of one of
 * them, so a pass that only needs the header (the no-change pass) never parses 100,000 entries.
 * Version 1 (one JSON document) is still read; the next save writes version 2.
 */
export async function loadIndex(path: string): Promise<LocalIndex> {
  const damaged = (err: unknown) =>
    new Error(`the local index ${path} is damaged (${(err as Error).message}); run "coffer reindex" to rebuild it from the bucket`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyIndex();
    throw err;
  }
  try {
    const nl = text.indexOf('\n');
    if (nl < 0) return { ...LocalIndexSchema.parse(JSON.parse(text)), version: 2 };
    const header = HeaderSchema.parse(JSON.parse(text.slice(0, nl)));
    return withLazyBulk(header, () => {
      try {
        return BulkSchema.parse(JSON.parse(text.slice(nl + 1)));
      } catch (err) {
        throw damaged(err);
      }
    });
  } catch (err) {
    throw damaged(err);
  }
}

/** The header with the bulk fields as getters that parse the block once, on first read (spreads included). */
function withLazyBulk(header: z.infer<typeof HeaderSchema>, parse: () => Bulk): LocalIndex {
  let bulk: Bulk | null = null;
  const index = { ...header } as LocalIndex;
  for (const key of BULK) {
    Object.defineProperty(index, key, {
      enumerable: true, configurable: true,
      get: () => (bulk ??= parse())[key],
      set: (value: unknown) => {
        Object.defineProperty(index, key, { value, enumerable: true, configurable: true, writable: true });
      },
    });
  }
  return index;
}

/** Writes version 2: the header line, then the block (atomically: temp file, fsync, rename). */
export async function saveIndex(path: string, index: LocalIndex): Promise<void> {
  const { inodes, heldBack, localMeta, ...header } = index;
  const bulk: Bulk = { inodes, ...(heldBack ? { heldBack } : {}), ...(localMeta ? { localMeta } : {}) };
  // Two parts: joining them would flatten one more copy of the block (~10 MB at 100,000 files).
  await writeFileAtomic(path, [`${JSON.stringify({ ...header, version: 2 })}\n`, JSON.stringify(bulk)]);
}
