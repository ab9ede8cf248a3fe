import type { Chunk } from '../manifest/schema.ts';
import type { RandomSource } from '../ports/clock.ts';
import { newObjectId } from '../objects/object-id.ts';
import { FileChangedWhileReadingError, openStableFile } from '../scan/stable-read.ts';
import type { ObjectWriter } from './object-writer.ts';
import type { ResumeMap } from './resume-map.ts';
import { TaskLimiter } from './limiter.ts';

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
  chunk(abs: string): { chunks: AsyncIterable<FileChunk>; sha256(): string };
}

/**
 * Strategy for files larger than a pack's file limit (format 3): content-defined chunks, each sealed as
 * its own data object, deduplicated by keyed id against every chunk of the committed tree, this pass and
 * an interrupted pass (resume map). So an edit, a rename, a copy or a new version costs only the chunks it
 * changed. One read of the file; up to `concurrency` chunks seal and upload while the next is cut, so
 * memory stays at a few chunks (max 8 MiB each). Each chunk is journaled (intent, then uploaded) like
 * any object.
 */
export class ChunkedUpload {
  bytesStored = 0;
  /** Chunks being stored this pass, by id: a second file with the same chunk waits for the first. */
  private readonly inFlight = new Map<string, Promise<Chunk>>();

  constructor(
    private readonly writer: ObjectWriter,
    private readonly resume: ResumeMap,
    private readonly random: RandomSource,
    /** Chunk id -> a stored chunk (from the committed tree); chunks stored this pass are added. */
    private readonly known: Map<string, Chunk>,
    private readonly chunker: () => Promise<FileChunker>,
    private readonly concurrency: number,
    private readonly padTo: (n: number) => number,
  ) {}

  /** Stores the file's new chunks; returns its hash and chunk list. Throws ECHANGED for a torn read. */
  async store(abs: string, path: string, scannedSize: number): Promise<{ hash: string; chunks: Chunk[]; bytes: number }> {
    const chunker = await this.chunker();
    // The file as the read began: a write or a rename over it meanwhile makes the chunks a torn mix. Its
    // size must still be the scan's, which the manifest entry records.
    const file = await openStableFile(abs);
    if (file.stat.size !== scannedSize) {
      await file.close();
      throw new FileChangedWhileReadingError(abs, 1);
    }
    const limiter = new TaskLimiter(this.concurrency);
    const placed: Promise<Chunk>[] = [];
    let bytes = 0;
    try {
      const read = chunker.chunk(abs);
      for await (const c of read.chunks) {
        let have = this.reuse(c);
        if (!have) {
          const resumed = await this.resumed(c);
          if (resumed) have = Promise.resolve(resumed);
        }
        if (have) {
          placed.push(have);
          continue;
        }
        let done!: (chunk: Chunk) => void;
        const stored = new Promise<Chunk>((resolve) => { done = resolve; });
        stored.catch(() => undefined);
        this.inFlight.set(c.id, stored);
        placed.push(stored);
        // Waits for a slot only: the next chunk is cut while this one seals and uploads.
        const unconfirmed = this.resume.unconfirmedChunk(c.id);
        await limiter.run(async () => {
          const adopted = unconfirmed ? await this.writer.adoptChunk(unconfirmed, c.data) : null;
          if (unconfirmed && !adopted) await this.writer.discardUnused(unconfirmed, undefined);
          const at = adopted
            ?? await this.writer.writeChunk(newObjectId(this.random), c.data, { path, hash: c.id, offset: c.offset, length: c.data.length }, this.padTo);
          this.bytesStored += at.size;
          bytes += at.size;
          const chunk: Chunk = { object: at.objectId, kind: 'data', offset: 0, length: c.data.length, id: c.id };
          this.known.set(c.id, chunk);
          this.inFlight.delete(c.id);
          done(chunk);
        });
      }
      await limiter.drain();
      if (!(await file.verifyUnchanged())) throw new FileChangedWhileReadingError(abs, 1);
      // The chunks stored stay unreferenced until a commit names them; a torn file's chunks are reused by
      // id next pass if they still match, else swept.
      return { hash: read.sha256(), chunks: await Promise.all(placed), bytes };
    } finally {
      await limiter.drain().catch(() => undefined);
      await file.close();
    }
  }

  private reuse(c: FileChunk): Promise<Chunk> | null {
    const known = this.known.get(c.id);
    if (known) return Promise.resolve({ ...known, length: c.data.length });
    return this.inFlight.get(c.id) ?? null;
  }

  /**
   * A chunk an interrupted pass stored. Unreferenced since, it may have been pruned meanwhile (another
   * device's prune removes unreferenced objects after a day), so it is reused only if it is still there.
   */
  private async resumed(c: FileChunk): Promise<Chunk | null> {
    const objectId = this.resume.storedChunk(c.id);
    if (!objectId || !(await this.writer.stillStored('data', objectId))) return null;
    const chunk: Chunk = { object: objectId, kind: 'data', offset: 0, length: c.data.length, id: c.id };
    this.known.set(c.id, chunk);
    return chunk;
  }
}
