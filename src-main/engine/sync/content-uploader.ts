import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Chunk, FileEntry } from '../manifest/schema.ts';
import type { RandomSource } from '../ports/clock.ts';
import type { ScanEntry } from '../ports/scanner.ts';
import type { ObjectWriter } from './object-writer.ts';
import type { ResumeMap } from './resume-map.ts';
import { PackedUploads } from './packed-upload.ts';
import { DirectSealUpload, discardSealed } from './direct-seal-upload.ts';
import { RangedUpload } from './ranged-upload.ts';
import { sha256File } from '../scan/stable-read.ts';

export interface UploadTuning {
  /** Files up to this size are packed together. */
  packFileMax: number;
  /** A pack is sealed once it holds this many plaintext bytes (16 MiB; tests lower it). */
  packTargetBytes: number;
  /** Larger files are stored in objects of this many plaintext bytes. */
  chunkBytes: number;
  concurrency: number;
  /** Small files read ahead of the one being packed (their I/O overlaps; packing stays in order). */
  readAhead: number;
  /**
   * A large file with no stored file of its size is sealed without hashing it first, its ranges all
   * spooled before any is stored; above this size the spool disk that needs is too much, so it is
   * hashed first as before.
   */
  directSealMax: number;
  padding?: 'off' | 'padme';
}

export const DEFAULT_TUNING: UploadTuning = {
  packFileMax: 1024 * 1024,
  // The settings' default (journal/settings-store.ts); a vault's own setting overrides it (vault-sync.ts).
  packTargetBytes: 16 * 1024 * 1024,
  chunkBytes: 64 * 1024 * 1024,
  concurrency: 4,
  readAhead: 12,
  directSealMax: 1024 * 1024 * 1024,
};

/** What decides whether a large file must be hashed before sealing (see upload()). */
export interface DedupHints {
  /** Sizes of every file in the committed tree (deleted ones included: a rename must match one). */
  sizes: Set<number>;
  /** Paths an interrupted pass left intents for: only a hash finds their stored or spooled ranges. */
  pendingPaths: Set<string>;
}

/**
 * Where a content's bytes are: its chunks, or IN_PACK when they are in a pack this pass is still filling.
 * Such a pack's chunks are what flush() returns, by content hash.
 */
export const IN_PACK = 'in-pack';
export type ChunkList = Chunk[] | typeof IN_PACK;

/** What happened to one candidate file's content. */
export type ContentOutcome =
  | { kind: 'same'; hash: string }
  | { kind: 'reused'; hash: string; chunks: ChunkList; from?: string }
  | { kind: 'stored'; hash: string; chunks: ChunkList; bytes: number };

/**
 * Turns file contents into stored objects. Dedups by hash first (renames and copies cost nothing), then
 * picks one of three strategies, each a unit of its own:
 * - small files (≤ packFileMax): PackedUploads (packed-upload.ts), read ahead and packed;
 * - a large file no stored file could equal (none of its size, no interrupted upload of it):
 *   DirectSealUpload (direct-seal-upload.ts), sealed in one stable read;
 * - other large files: hashed first, then RangedUpload (ranged-upload.ts), range by range.
 */
export class ContentUploader {
  private readonly packs: PackedUploads;
  private readonly direct: DirectSealUpload;
  private readonly ranged: RangedUpload;
  /** hash -> the path of the first file of that content put in a pack this pass (its chunk comes from flush()). */
  private readonly inPack = new Map<string, string>();

  constructor(
    private readonly root: string,
    writer: ObjectWriter,
    private readonly resume: ResumeMap,
    /** hash -> a stored copy of that content (from the committed tree and this pass). */
    private readonly known: Map<string, { chunks: Chunk[]; path: string }>,
    random: RandomSource,
    private readonly tuning: UploadTuning,
    private readonly hints: DedupHints = { sizes: new Set(), pendingPaths: new Set() },
  ) {
    this.packs = new PackedUploads(root, writer, random, tuning);
    this.direct = new DirectSealUpload(writer, random, tuning.chunkBytes);
    this.ranged = new RangedUpload(writer, resume, random, tuning.chunkBytes);
  }

  /** Ciphertext bytes stored so far by every strategy. */
  get bytesStored(): number {
    return this.packs.bytesStored + this.direct.bytesStored + this.ranged.bytesStored;
  }

  /** The files upload() will be called for, in that order, so small ones are read ahead. */
  expect(entries: readonly ScanEntry[]): void {
    this.packs.expect(entries.filter((e) => e.kind === 'file' && this.isSmall(e.size)).map((e) => e.path));
  }

  async upload(entry: ScanEntry, previous: FileEntry | undefined): Promise<ContentOutcome> {
    if (this.isSmall(entry.size)) return this.uploadSmall(entry, previous);
    const abs = join(this.root, entry.path);
    // Hashing first only pays when the content may already be stored: a rename, a copy or an unchanged
    // file has a same-size twin in the tree. Without one, read the file once, sealing while hashing.
    if (!this.hints.sizes.has(entry.size) && !this.hints.pendingPaths.has(entry.path) && entry.size <= this.tuning.directSealMax) {
      const sealed = await this.direct.seal(abs, entry.size);
      const early = this.dedup(sealed.hash, previous);
      if (early) {
        // Same content means same size, so a twin would have sent this file down the hash-first path; kept
        // as a safety net. Nothing was journaled, so the spools are simply dropped.
        await discardSealed(sealed);
        return early;
      }
      return this.stored(entry, sealed.hash, await this.direct.store(entry.path, sealed));
    }
    const { hash } = await sha256File(abs);
    return this.dedup(hash, previous) ?? this.stored(entry, hash, await this.ranged.store(abs, entry.path, hash, entry.size));
  }

  /**
   * Seals the last partial pack and waits for every object in flight. Returns the chunk of each content
   * that went into a pack this pass, by hash: the chunks of every outcome that said IN_PACK.
   */
  flush(): Promise<ReadonlyMap<string, Chunk>> {
    return this.packs.flush();
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
    if (resumed) {
      this.remember(hash, [resumed], entry);
      return { kind: 'reused', hash, chunks: [resumed] };
    }
    this.inPack.set(hash, entry.path);
    this.hints.sizes.add(entry.size);
    await this.packs.add({ path: entry.path, hash, data });
    return { kind: 'stored', hash, chunks: IN_PACK, bytes: data.length };
  }

  private stored(entry: ScanEntry, hash: string, chunks: Chunk[]): ContentOutcome {
    this.remember(hash, chunks, entry);
    return { kind: 'stored', hash, chunks, bytes: entry.size };
  }

  private remember(hash: string, chunks: Chunk[], entry: ScanEntry): void {
    this.known.set(hash, { chunks, path: entry.path });
    this.hints.sizes.add(entry.size);
  }

  private dedup(hash: string, previous: FileEntry | undefined): ContentOutcome | null {
    if (previous?.type === 'file' && previous.hash === hash) return { kind: 'same', hash };
    const copy = this.known.get(hash);
    if (copy) return { kind: 'reused', hash, chunks: copy.chunks, from: copy.path };
    const packed = this.inPack.get(hash);
    return packed !== undefined ? { kind: 'reused', hash, chunks: IN_PACK, from: packed } : null;
  }
}
