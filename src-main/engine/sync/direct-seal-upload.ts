import { createHash } from 'node:crypto';
import { unlink, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Chunk } from '../manifest/schema.ts';
import type { RandomSource } from '../ports/clock.ts';
import { newObjectId } from '../objects/object-id.ts';
import { PIPE_BUFFER, type ObjectWriter } from './object-writer.ts';
import { FileChangedWhileReadingError, openStableFile } from '../scan/stable-read.ts';

/** A large file sealed in one read: its hash (known only at the end) and each range's spool file. */
export interface SealedFile {
  hash: string;
  ranges: SpooledRange[];
}

interface SpooledRange {
  objectId: string;
  spool: string;
  offset: number;
  length: number;
}

/**
 * Strategy 2 of the content uploader: a large file no stored file could equal (none has its size) is
 * sealed in one read, hashing as it goes, every `chunkBytes` range to a spool file. Only once the read is
 * proven stable (same size, mtime, ctime, inode at the end as at open, the check a hash pass relies on)
 * and the hash is known are intents journaled, keyed by that hash so a crash during the uploads resumes
 * them, and the objects stored.
 */
export class DirectSealUpload {
  bytesStored = 0;

  constructor(
    private readonly writer: ObjectWriter,
    private readonly random: RandomSource,
    private readonly chunkBytes: number,
  ) {}

  /** Seals the file to spool files; nothing is journaled yet. Throws FileChangedWhileReadingError after `attempts` torn reads. */
  async seal(abs: string, size: number, attempts = 3): Promise<SealedFile> {
    for (let attempt = 1; ; attempt++) {
      const file = await openStableFile(abs);
      const ranges: SpooledRange[] = [];
      try {
        // A size other than the scan's means the file changed since: same outcome as a torn read.
        if (file.stat.size === size) {
          const hasher = createHash('sha256');
          for (let offset = 0; offset < size; offset += this.chunkBytes) {
            const length = Math.min(this.chunkBytes, size - offset);
            const objectId = newObjectId(this.random);
            const spool = await this.writer.sealToSpool(objectId, handleRange(file.handle, offset, length), hasher);
            ranges.push({ objectId, spool, offset, length });
          }
          if (await file.verifyUnchanged()) return { hash: hasher.digest('hex'), ranges };
        }
      } catch (err) {
        await discardSealed({ hash: '', ranges });
        throw err;
      } finally {
        await file.close();
      }
      await discardSealed({ hash: '', ranges });
      if (attempt >= attempts) throw new FileChangedWhileReadingError(abs, attempt);
    }
  }

  /** Journals each range's intent and stores it; returns the file's chunks in order. */
  async store(path: string, sealed: SealedFile): Promise<Chunk[]> {
    const chunks: Chunk[] = [];
    for (const r of sealed.ranges) {
      const files = [{ path, hash: sealed.hash, offset: r.offset, length: r.length }];
      const stored = await this.writer.storeSpooled(r.objectId, r.spool, files);
      this.bytesStored += stored.size;
      chunks.push({ object: stored.objectId, kind: 'data', offset: 0, length: r.length });
    }
    return chunks;
  }
}

/** Nothing was journaled for a sealed file not stored, so its spools are simply dropped. */
export async function discardSealed(sealed: SealedFile): Promise<void> {
  await Promise.all(sealed.ranges.map((r) => unlink(r.spool).catch(() => undefined)));
}

/** Plaintext of [offset, offset+length) read through the already-open handle (what verifyUnchanged checks). */
function handleRange(handle: FileHandle, offset: number, length: number): Readable {
  const frame = 1024 * 1024;
  return Readable.from((async function* () {
    for (let pos = offset, end = offset + length; pos < end;) {
      // A fresh buffer per read: the sealer may still hold the previous one.
      const buf = Buffer.allocUnsafe(Math.min(frame, end - pos));
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return; // shrunk under us: verifyUnchanged() reports it
      pos += bytesRead;
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    }
  })(), { objectMode: false, highWaterMark: PIPE_BUFFER });
}
