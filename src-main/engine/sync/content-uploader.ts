import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Chunk, FileEntry } from '../manifest/schema.ts';
import type { RandomSource } from '../ports/clock.ts';
import type { ScanEntry } from '../ports/scanner.ts';
import type { ObjectWriter } from './object-writer.ts';
import type { ResumeMap } from './resume-map.ts';
import { PackedUploads } from './packed-upload.ts';
import { ChunkedUpload, type FileChunker } from './chunked-upload.ts';
import { noPadding } from './object-writer.ts';
import { padmeLength } from '../objects/padme.ts';
import { sha256File } from '../scan/stable-read.ts';

export interface UploadTuning {
  /** Files up to this size are packed together; larger ones are cut into content-defined chunks. */
  packFileMax: number;
  /** A pack is sealed once it holds this many plaintext bytes (16 MiB; tests lower it). */
  packTargetBytes: number;
  /**
   * A chunk pack (format 4) is stored once its messages reach this many bytes (8 MiB). Half the small
   * files' packs: a cold pass holds a few of them at once, and 16 MiB ones took a 652 MB mix from
   * ~300 to ~350 MB of peak RSS for no measurable speed.
   */
  chunkPackBytes: number;
  /** Objects (packs, chunks) sealed and stored at once. */
  concurrency: number;
  /** Small files read ahead of the one being packed (their I/O overlaps; packing stays in order). */
  readAhead: number;
  /** The vault's size padding (docs/FORMAT.md §Padding): 'padme' pads packs and chunks to Padmé lengths. */
  padding?: 'off' | 'padme';
}

export const DEFAULT_TUNING: UploadTuning = {
  packFileMax: 1024 * 1024,
  // The settings' default (journal/settings-store.ts); a vault's own setting overrides it (vault-sync.ts).
  packTargetBytes: 16 * 1024 * 1024,
  chunkPackBytes: 8 * 1024 * 1024,
  concurrency: 4,
  readAhead: 12,
  padding: 'off',
};

/** What decides whether a large file is hashed before it is chunked (see upload()). */
export interface DedupHints {
  /**
   * Sizes of files in the committed tree stored before format 3 (fixed ranges, no chunk ids; deleted ones
   * included, since a rename must match one): only the whole file's hash finds such a copy.
   */
  unchunkedSizes: Set<number>;
}

/**
 * Where a content's bytes are: its chunks, or IN_PACK when they are still being stored this pass (in a
 * pack being filled, or chunks being uploaded). Those chunks are what flush() returns, by content hash.
 */
export const IN_PACK = 'in-pack';
export type ChunkList = Chunk[] | typeof IN_PACK;

/** What happened to one candidate file's content. */
export type ContentOutcome =
  | { kind: 'same'; hash: string }
  | { kind: 'reused'; hash: string; chunks: ChunkList; from?: string }
  | { kind: 'stored'; hash: string; chunks: ChunkList; bytes: number };

/**
 * Turns file contents into stored objects, with two strategies, each a unit of its own:
 * - small files (≤ packFileMax): PackedUploads (packed-upload.ts), read ahead, dedup by hash, packed;
 * - larger files: ChunkedUpload (chunked-upload.ts), content-defined chunks deduplicated by keyed id, in
 *   one read. A rename or copy costs no upload either way.
 */
export class ContentUploader {
  private readonly packs: PackedUploads;
  private readonly chunked: ChunkedUpload;
  /** hash -> the path of the first file of that content put in a pack this pass (its chunk comes from flush()). */
  private readonly inPack = new Map<string, string>();

  constructor(
    private readonly root: string,
    private readonly writer: ObjectWriter,
    private readonly resume: ResumeMap,
    /** hash -> a stored copy of that content (from the committed tree and this pass). */
    private readonly known: Map<string, { chunks: Chunk[]; path: string }>,
    random: RandomSource,
    private readonly tuning: UploadTuning,
    chunks: { known: Map<string, Chunk>; chunker: () => Promise<FileChunker> },
    private readonly hints: DedupHints = { unchunkedSizes: new Set() },
  ) {
    const padTo = tuning.padding === 'padme' ? padmeLength : noPadding;
    this.packs = new PackedUploads(root, writer, random, { ...tuning, padTo });
    this.chunked = new ChunkedUpload(writer, resume, random, chunks.known, chunks.chunker, tuning.concurrency, padTo, tuning.chunkPackBytes);
  }

  /** Ciphertext bytes stored so far by every strategy. */
  get bytesStored(): number {
    return this.packs.bytesStored + this.chunked.bytesStored;
  }

  /** The files upload() will be called for, in that order, so small ones are read ahead. */
  expect(entries: readonly ScanEntry[]): void {
    this.packs.expect(entries.filter((e) => e.kind === 'file' && this.isSmall(e.size)).map((e) => e.path));
  }

  async upload(entry: ScanEntry, previous: FileEntry | undefined): Promise<ContentOutcome> {
    if (this.isSmall(entry.size)) return this.uploadSmall(entry, previous);
    const abs = join(this.root, entry.path);
    // A file stored before format 3 has no chunk ids to match: hash first, so an unchanged, renamed or
    // copied one still costs no upload. Otherwise one read chunks it; an unchanged file's chunks are all known.
    if (this.hints.unchunkedSizes.has(entry.size)) {
      const { hash } = await sha256File(abs);
      const early = this.dedup(hash, previous);
      if (early) return early;
    }
    const out = await this.chunked.store(abs, entry.path, entry.size, previous?.chunks);
    const early = this.dedup(out.hash, previous);
    // Same content as a stored file: its chunks were all known, so nothing was queued for it.
    if (early && out.queued === 0) return early;
    // Its chunks come from flush(), like a packed file's; a later file of the same content reuses them.
    if (!this.inPack.has(out.hash)) this.inPack.set(out.hash, entry.path);
    return { kind: 'stored', hash: out.hash, chunks: IN_PACK, bytes: entry.size };
  }

  /**
   * Seals the last partial pack and waits for every object in flight. Returns the chunks of each content
   * stored this pass (packed or chunked), by hash: the chunks of every outcome that said IN_PACK.
   */
  async flush(): Promise<ReadonlyMap<string, Chunk[]>> {
    const [packed, chunked] = await Promise.all([this.packs.flush(), this.chunked.flush()]);
    const out = new Map<string, Chunk[]>(chunked);
    for (const [hash, chunk] of packed) out.set(hash, [chunk]);
    return out;
  }

  private isSmall(size: number): boolean {
    return size <= this.tuning.packFileMax;
  }

  private async uploadSmall(entry: ScanEntry, previous: FileEntry | undefined): Promise<ContentOutcome> {
    const data = await this.packs.read(entry.path);
    const hash = createHash('sha256').update(data).digest('hex');
    const early = this.dedup(hash, previous);
    if (early) return early;
    const resumed = this.resume.packedCopy(hash);
    // Unreferenced since the interrupted pass, the pack may have been pruned by another device meanwhile.
    if (resumed && (await this.writer.stillStored('pack', resumed.object))) {
      this.remember(hash, [resumed], entry);
      return { kind: 'reused', hash, chunks: [resumed] };
    }
    this.inPack.set(hash, entry.path);
    await this.packs.add({ path: entry.path, hash, data });
    return { kind: 'stored', hash, chunks: IN_PACK, bytes: data.length };
  }

  private remember(hash: string, chunks: Chunk[], entry: ScanEntry): void {
    this.known.set(hash, { chunks, path: entry.path });
  }

  private dedup(hash: string, previous: FileEntry | undefined): ContentOutcome | null {
    if (previous?.type === 'file' && previous.hash === hash) return { kind: 'same', hash };
    const copy = this.known.get(hash);
    if (copy) return { kind: 'reused', hash, chunks: copy.chunks, from: copy.path };
    const packed = this.inPack.get(hash);
    return packed !== undefined ? { kind: 'reused', hash, chunks: IN_PACK, from: packed } : null;
  }
}
