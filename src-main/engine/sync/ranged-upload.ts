import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Chunk } from '../manifest/schema.ts';
import type { RandomSource } from '../ports/clock.ts';
import { newObjectId } from '../objects/object-id.ts';
import type { ObjectWriter } from './object-writer.ts';
import type { ResumeMap } from './resume-map.ts';
import { TaskLimiter } from './limiter.ts';
import { FileChangedWhileReadingError } from '../scan/stable-read.ts';
import { fsPath } from '../fsx/raw-name.ts';

type IntentFiles = { path: string; hash: string; offset: number; length: number }[];

/**
 * Strategy 3 of the content uploader: a large file whose hash is already known (it was hashed first,
 * because a stored file of its size might hold the same content, or an interrupted pass left ranges of
 * it) is stored range by range. Ranges an interrupted pass stored are reused, spooled ones resume their
 * upload; the rest are sealed as read, re-hashing as it reads: a different hash means a torn read. One
 * upload runs while the next range seals (two spool files at most, memory unchanged). Journals an
 * intent per range before sealing it and 'uploaded' after (through the writer).
 */
export class RangedUpload {
  bytesStored = 0;

  constructor(
    private readonly writer: ObjectWriter,
    private readonly resume: ResumeMap,
    private readonly random: RandomSource,
    private readonly chunkBytes: number,
  ) {}

  async store(abs: string, path: string, hash: string, size: number): Promise<Chunk[]> {
    const hasher = createHash('sha256');
    const step = this.chunkBytes;
    const uploads = new TaskLimiter(1);
    // Each range's chunk, known once its upload is done (the id changes if the chosen one was taken).
    const placed: Promise<Chunk>[] = [];
    // Returns once the upload has a slot (so the next range seals while this one uploads), with the
    // range's chunk to come. A failed upload never delivers its chunk: drain() below throws first.
    const upload = async (objectId: string, length: number, spool: string, files: IntentFiles): Promise<{ chunk: Promise<Chunk> }> => {
      let done!: (c: Chunk) => void;
      const chunk = new Promise<Chunk>((resolve) => { done = resolve; });
      await uploads.run(async () => {
        const stored = await this.writer.uploadSpool(objectId, spool, files);
        this.bytesStored += stored.size;
        done({ object: stored.objectId, kind: 'data', offset: 0, length });
      });
      return { chunk }; // wrapped: an async function returning the promise would wait for it
    };
    try {
      for (let offset = 0; offset < size || (size === 0 && offset === 0); offset += step) {
        const length = Math.min(step, size - offset);
        const files = [{ path, hash, offset, length }];
        const stored = this.resume.storedRange(hash, offset);
        const spooled = this.resume.spooledRange(hash, offset);
        if (stored) {
          await hashRange(abs, offset, length, hasher);
          placed.push(Promise.resolve({ object: stored, kind: 'data', offset: 0, length }));
        } else if (spooled) {
          await hashRange(abs, offset, length, hasher);
          placed.push((await upload(spooled.objectId, length, spooled.spool, files)).chunk);
        } else {
          const objectId = newObjectId(this.random);
          const spool = await this.writer.sealFileRange(objectId, abs, { offset, length }, files, hasher);
          placed.push((await upload(objectId, length, spool, files)).chunk);
        }
        if (size === 0) break;
      }
    } finally {
      // Also on failure: no upload may outlive the file's turn in the pass.
      await uploads.drain().catch(() => undefined);
    }
    await uploads.drain();
    // The content changed between hashing and sealing: the ranges stored may be torn. They stay
    // unreferenced (garbage-collected); the file is stored on the next pass.
    if (hasher.digest('hex') !== hash) throw new FileChangedWhileReadingError(abs, 1);
    return Promise.all(placed);
  }
}

async function hashRange(abs: string, offset: number, length: number, hasher: Hash): Promise<void> {
  if (length === 0) return;
  for await (const c of createReadStream(fsPath(abs), { start: offset, end: offset + length - 1, highWaterMark: 1024 * 1024 })) {
    hasher.update(c as Buffer);
  }
}
