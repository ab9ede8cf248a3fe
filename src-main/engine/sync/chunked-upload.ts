import type { Chunk } from '../manifest/schema.ts';
import type { KnownCut } from '../chunking/cut-window.ts';
import { withFields } from '../manifest/entry-copy.ts';
import type { RandomSource } from '../ports/clock.ts';
import { newObjectId } from '../objects/object-id.ts';
import { FileChangedWhileReadingError, openStableFile } from '../scan/stable-read.ts';
import type { ObjectWriter } from './object-writer.ts';
import type { ResumeMap } from './resume-map.ts';
import { TaskLimiter } from './limiter.ts';
import { ChunkPacker, packLayout, packedChunk, type SealedChunk } from './chunk-packer.ts';

/** One content-defined chunk of a file: where it starts, its bytes and its keyed id (docs/CDC.md). */
export interface FileChunk {
  offset: number;
  data: Buffer;
  id: string;
}

/**
 * What the uploader needs from the chunking layer (engine/chunking/): a file's chunks in order, and its
 * SHA-256 once they have all been taken. The chunker may read ahead and work on other cores.
 */
export interface FileChunker {
  /** `known`: the previous version's chunks by place (knownCuts()), taken where their bytes still match. */
  chunk(abs: string, known?: readonly KnownCut[]): { chunks: AsyncIterable<FileChunk>; sha256(): string };
}

/**
 * A previous version's chunks by their place in the file, for the chunker to take where the bytes still
 * match instead of cutting again (chunking/cut-window.ts). Only a list of content-defined chunks (each
 * with its keyed id) qualifies, and its last chunk is left out: it ended where that version ended, not
 * at a cut. Anything else (64 MiB ranges, a packed small file) gives none.
 */
export function knownCuts(previous: readonly Chunk[] | undefined): KnownCut[] {
  if (!previous || previous.length < 2) return [];
  const out: KnownCut[] = [];
  let offset = 0;
  for (const c of previous.slice(0, -1)) {
    if (!c.id || !(c.kind === 'chunk' || (c.kind === 'data' && c.offset === 0))) return [];
    out.push({ offset, length: c.length, id: c.id });
    offset += c.length;
  }
  return out;
}

/** Full chunk packs uploading at once: each holds its ~8 MiB of sealed messages until stored. */
const PACKS_STORING = 2;

/**
 * Strategy for files larger than a pack's file limit (format 4): content-defined chunks, each sealed as
 * its own Encryption SDK message and collected into chunk packs of about `chunkPackBytes`, deduplicated
 * by keyed id against every chunk of the committed tree, this pass and an interrupted pass (resume map).
 * So an edit, a rename, a copy or a new version costs only the chunks it changed. One read of the file;
 * up to `concurrency` chunks seal while the next is cut, and up to PACKS_STORING full packs upload
 * meanwhile (sealing waits for one to finish first), so memory stays at a few chunks and packs. Each
 * pack is journaled (intent listing its chunks, then uploaded) like any object.
 */
export class ChunkedUpload {
  bytesStored = 0;
  /** Chunks being stored this pass, by id: a second file with the same chunk waits for the first. */
  private readonly inFlight = new Map<string, Promise<Chunk>>();
  /**
   * One limit for the whole pass: a file's uploads go on while the next file is read and cut, so files
   * overlap (and the pool cuts several at once); flush() waits for them all.
   */
  private readonly limiter: TaskLimiter;
  /** Each file stored this pass, by content hash: its chunk list once every one of its chunks is stored. */
  private readonly files = new Map<string, Promise<Chunk[]>>();
  private readonly packer: ChunkPacker;
  private readonly storing = new TaskLimiter(PACKS_STORING);
  /** How each chunk waiting in the open pack is told where it was stored. */
  private readonly waiting = new Map<SealedChunk, (chunk: Chunk) => void>();
  /** Objects an interrupted pass stored, by id: whether they are still in the bucket. */
  private readonly present = new Map<string, Promise<boolean>>();

  constructor(
    private readonly writer: ObjectWriter,
    private readonly resume: ResumeMap,
    private readonly random: RandomSource,
    /** Chunk id -> a stored chunk (from the committed tree); chunks stored this pass are added. */
    private readonly known: Map<string, Chunk>,
    private readonly chunker: () => Promise<FileChunker>,
    concurrency: number,
    private readonly padTo: (n: number) => number,
    chunkPackBytes: number,
  ) {
    this.limiter = new TaskLimiter(concurrency);
    this.packer = new ChunkPacker(chunkPackBytes);
  }

  /**
   * Reads and cuts the file (taking `previous`, the chunks of the version it replaces, where they still
   * match) and queues its new chunks; returns its hash and how many chunks it queued
   * (0: every chunk was already stored). Its chunk list comes from flush(), by hash. Throws ECHANGED for
   * a torn read (the chunks queued then stay unreferenced: reused by id next pass, else swept).
   */
  async store(abs: string, path: string, scannedSize: number, previous?: readonly Chunk[]): Promise<{ hash: string; queued: number }> {
    const chunker = await this.chunker();
    // The file as the read began: a write or a rename over it meanwhile makes the chunks a torn mix. Its
    // size must still be the scan's, which the manifest entry records.
    const file = await openStableFile(abs);
    try {
      if (file.stat.size !== scannedSize) throw new FileChangedWhileReadingError(abs, 1);
      const placed: Promise<Chunk>[] = [];
      let queued = 0;
      const known = knownCuts(previous);
      const read = known.length ? chunker.chunk(abs, known) : chunker.chunk(abs);
      for await (const c of read.chunks) {
        let have = this.reuse(c);
        if (!have) {
          const resumed = await this.resumed(c);
          if (resumed) have = Promise.resolve(resumed);
        }
        if (!have) {
          have = (await this.queue(c, path)).stored;
          queued++;
        }
        placed.push(have);
      }
      if (!(await file.verifyUnchanged())) throw new FileChangedWhileReadingError(abs, 1);
      const hash = read.sha256();
      const chunks = Promise.all(placed);
      chunks.catch(() => undefined); // a failed upload is thrown by flush()
      if (!this.files.has(hash)) this.files.set(hash, chunks);
      return { hash, queued };
    } finally {
      await file.close();
    }
  }

  /** Waits for every queued chunk; returns each stored file's chunk list by content hash. Throws the first failure. */
  async flush(): Promise<ReadonlyMap<string, Chunk[]>> {
    await this.limiter.drain();
    const rest = this.packer.take();
    if (rest) await this.storing.run(() => this.storePack(rest));
    await this.storing.drain();
    const out = new Map<string, Chunk[]>();
    for (const [hash, chunks] of this.files) out.set(hash, await chunks);
    return out;
  }

  /** Seals one new chunk into the open pack when a slot is free (storing the pack once full); resolves to the stored chunk. */
  private async queue(c: FileChunk, path: string): Promise<{ stored: Promise<Chunk> }> {
    let done!: (chunk: Chunk) => void;
    const stored = new Promise<Chunk>((resolve) => { done = resolve; });
    stored.catch(() => undefined);
    this.inFlight.set(c.id, stored);
    const unconfirmed = this.resume.unconfirmedChunk(c.id);
    // Waits for a slot only: the next chunk is cut while this one seals (and a full pack uploads).
    await this.limiter.run(async () => {
      // A format 3 chunk object a crashed pass of an older version began: adopted if it landed whole.
      const adopted = unconfirmed ? await this.writer.adoptChunk(unconfirmed, c.data) : null;
      if (unconfirmed && !adopted) await this.writer.discardUnused(unconfirmed, undefined);
      if (adopted) {
        this.bytesStored += adopted.size;
        this.inFlight.delete(c.id);
        done(this.remember({ object: adopted.objectId, kind: 'data', offset: 0, length: c.data.length, id: c.id }));
        return;
      }
      // No more sealed bytes while the packs already full are still uploading (memory stays bounded).
      await this.storing.room();
      const messageId = newObjectId(this.random);
      const member: SealedChunk = { id: c.id, path, length: c.data.length, messageId, sealed: await this.writer.sealChunkMessage(messageId, c.data, this.padTo) };
      this.waiting.set(member, done);
      const full = this.packer.add(member);
      if (full) await this.storing.run(() => this.storePack(full));
    });
    return { stored }; // wrapped: an async function returning the promise would wait for it
  }

  /** Stores one chunk pack and tells each of its chunks where it now is. */
  private async storePack(members: SealedChunk[]): Promise<void> {
    const files = packLayout(members);
    const at = await this.writer.writeChunkPack(newObjectId(this.random), members.map((m) => m.sealed), files);
    this.bytesStored += at.size;
    members.forEach((m, i) => {
      const chunk = this.remember(packedChunk(at.objectId, files[i]!));
      this.inFlight.delete(m.id);
      this.waiting.get(m)?.(chunk);
      this.waiting.delete(m);
    });
  }

  private reuse(c: FileChunk): Promise<Chunk> | null {
    const known = this.known.get(c.id);
    if (known) return Promise.resolve(withFields(known, { length: c.data.length }));
    return this.inFlight.get(c.id) ?? null;
  }

  /**
   * A chunk an interrupted pass stored. Unreferenced since, it may have been pruned meanwhile (another
   * device's prune removes unreferenced objects after a day), so it is reused only if it is still there.
   */
  private async resumed(c: FileChunk): Promise<Chunk | null> {
    const chunk = this.resume.storedChunk(c.id);
    if (!chunk) return null;
    // One HEAD per object, not per chunk: a chunk pack holds many.
    let present = this.present.get(chunk.object);
    if (!present) this.present.set(chunk.object, (present = this.writer.stillStored(chunk.kind, chunk.object)));
    if (!(await present)) return null;
    return this.remember(chunk);
  }

  /** Kept so later equal chunks (this pass, this file) reuse it. */
  private remember(chunk: Chunk): Chunk {
    if (chunk.id) this.known.set(chunk.id, chunk);
    return chunk;
  }
}
