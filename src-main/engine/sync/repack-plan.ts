import type { Tree } from '../manifest/manifest-store.ts';
import type { Chunk, FileEntry } from '../manifest/schema.ts';
import { withFields } from '../manifest/entry-copy.ts';

/** A pack is rewritten when less than this share of its plaintext is still named by the head. */
export const REPACK_LIVE_BELOW = 0.5;

/** One live byte range of a pack: the entries of the head that name it (identical content is stored once). */
export interface LiveRange {
  offset: number;
  length: number;
  /** An entry whose content is exactly this range: read through it, so its hash checks the bytes. */
  entry: FileEntry;
}

/** How much of one pack the head still uses. */
export interface PackUsage {
  pack: string;
  ranges: LiveRange[];
  liveBytes: number;
  /** The largest offset + length any head entry names: a floor for the pack's plaintext size. */
  end: number;
  /**
   * An entry names this pack in a way a repack cannot move (a file of several chunks): the pack stays
   * needed whatever is done with its other ranges, so it is left alone. Coffer writes one chunk per
   * packed file; another writer might not.
   */
  pinned: boolean;
}

export const rangeKey = (c: Pick<Chunk, 'object' | 'offset' | 'length'>) => `${c.object}:${c.offset}:${c.length}`;

/** Every pack the tree names, with its distinct live ranges (in offset order, the order to read them). */
export function packUsage(tree: Tree): Map<string, PackUsage> {
  const out = new Map<string, PackUsage>();
  const seen = new Set<string>();
  for (const e of tree.values()) {
    if (e.type !== 'file') continue;
    const chunks = e.chunks ?? [];
    for (const c of chunks) {
      if (c.kind !== 'pack') continue;
      let u = out.get(c.object);
      if (!u) out.set(c.object, (u = { pack: c.object, ranges: [], liveBytes: 0, end: 0, pinned: false }));
      u.end = Math.max(u.end, c.offset + c.length);
      if (chunks.length !== 1) u.pinned = true;
      const key = rangeKey(c);
      if (seen.has(key)) continue;
      seen.add(key);
      u.ranges.push({ offset: c.offset, length: c.length, entry: e });
      u.liveBytes += c.length;
    }
  }
  for (const u of out.values()) u.ranges.sort((a, b) => a.offset - b.offset);
  return out;
}

/** How much of one chunk pack (format 4) the head still names: its distinct messages, by offset. */
export interface ChunkPackUsage {
  pack: string;
  /** One chunk record per distinct message (the first the tree names), in offset order. */
  messages: Chunk[];
  /** Bytes of those messages. */
  liveBytes: number;
  /** Where the last named message ends: a floor for the pack's size. */
  end: number;
}

/** Every chunk pack the tree names, with the messages it still uses. */
export function chunkPackUsage(tree: Tree): Map<string, ChunkPackUsage> {
  const out = new Map<string, ChunkPackUsage>();
  const seen = new Set<string>();
  for (const e of tree.values()) {
    for (const c of e.type === 'file' ? e.chunks ?? [] : []) {
      if (c.kind !== 'chunk') continue;
      let u = out.get(c.object);
      if (!u) out.set(c.object, (u = { pack: c.object, messages: [], liveBytes: 0, end: 0 }));
      const key = rangeKey(c);
      if (seen.has(key)) continue;
      seen.add(key);
      u.messages.push(c);
      u.liveBytes += c.sealed!;
      u.end = Math.max(u.end, c.offset + c.sealed!);
    }
  }
  for (const u of out.values()) u.messages.sort((a, b) => a.offset - b.offset);
  return out;
}

/**
 * The chunk packs worth rewriting: less than REPACK_LIVE_BELOW of their stored bytes named by the head.
 * A chunk pack's size is exact (its messages are stored as they are), so no estimate is needed.
 */
export function chooseChunkPacks(usage: Iterable<ChunkPackUsage>, storedSize: (pack: string) => number | undefined): ChunkPackUsage[] {
  const out: ChunkPackUsage[] = [];
  for (const u of usage) {
    const size = Math.max(storedSize(u.pack) ?? 0, u.end);
    if (u.liveBytes < size * REPACK_LIVE_BELOW) out.push(u);
  }
  return out;
}

/**
 * The packs worth rewriting: less than REPACK_LIVE_BELOW of their plaintext live, nothing pinned.
 * `plaintextSize` gives each pack's size (repack.ts estimates it from the stored ciphertext); it is
 * never taken below what the entries themselves show.
 */
export function choosePacks(usage: Iterable<PackUsage>, plaintextSize: (pack: string) => number | undefined): PackUsage[] {
  const out: PackUsage[] = [];
  for (const u of usage) {
    const size = Math.max(plaintextSize(u.pack) ?? 0, u.end);
    if (u.pinned || size === 0 || u.liveBytes >= size * REPACK_LIVE_BELOW) continue;
    out.push(u);
  }
  return out;
}

/**
 * The tree with every chunk that names a moved range pointing at its new place instead: same path, hash,
 * size, mtime, mode, device and seq; only `chunks` change, and `keyVersion`, which names the key that
 * wrapped the entry's objects (key-usage scans: a stale one would keep an old key "in use"). Works on any
 * tree, not only the one the ranges came from, since a moved range holds the same bytes wherever it is named.
 */
export function remapTree(tree: Tree, moved: ReadonlyMap<string, Chunk>, keyVersion?: number): { tree: Tree; files: number } {
  const out: Tree = new Map();
  let files = 0;
  for (const [path, e] of tree) {
    const chunks = e.chunks;
    const next = chunks?.map((c) => (c.kind === 'pack' || c.kind === 'chunk' ? moved.get(rangeKey(c)) ?? c : c));
    if (chunks && next && next.some((c, i) => c !== chunks[i])) {
      out.set(path, withFields(e, { chunks: next, ...(keyVersion !== undefined ? { keyVersion } : {}) }));
      files++;
    } else out.set(path, e);
  }
  return { tree: out, files };
}

/**
 * A pack's plaintext size from its stored (ciphertext) size: the Encryption SDK adds a fixed header and
 * final frame (`emptyCiphertext`: what sealing 0 bytes under this vault's key gives, 375 B with one raw-AES
 * data key) and 32 B per full 1 MiB frame (docs/FORMAT.md §3.2). Exact for objects sealed like new ones;
 * an object sealed under another custody (a KMS key's larger data key) reads a few hundred bytes large.
 */
export function plaintextFromStored(storedBytes: number, emptyCiphertext: number): number {
  const FRAME = 1024 * 1024;
  const body = Math.max(0, storedBytes - emptyCiphertext);
  return Math.max(0, body - 32 * Math.floor(body / (FRAME + 32)));
}
