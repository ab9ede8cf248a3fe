import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Chunk, FileEntry } from '../manifest/schema.ts';
import type { RandomSource } from '../ports/clock.ts';
import { newObjectId } from '../manifest/object-id.ts';
import { ObjectWriter, PIPE_BUFFER } from './object-writer.ts';
import { PackBuilder, layOut, type PackMember } from './pack-builder.ts';
import { ResumeMap } from './resume-map.ts';
import { TaskLimiter } from './limiter.ts';
import { ReadAhead } from './read-ahead.ts';
import { FileChangedWhileReadingError, openStableFile, readStable, sha256File, type StableFile } from '../scan/stable-read.ts';
import { unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { FileHandle } from 'node:fs/promises';
import type { ScanEntry } from '../ports/scanner.ts';
import { fsPath } from '../fsx/raw-name.ts';

export interface UploadTuning {
  /** Files up to this size are packed together. */
  packFileMax: number;
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
}

export const DEFAULT_TUNING: UploadTuning = {
  packFileMax: 1024 * 1024,
  packTargetBytes: 8 * 1024 * 1024,
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

/** What happened to one candidate file's content. */
export type ContentOutcome =
  | { kind: 'same'; hash: string }
  | { kind: 'reused'; hash: string; chunks: Chunk[]; from?: string }
  | { kind: 'stored'; hash: string; chunks: Chunk[]; bytes: number };

/**
 * Turns file contents into stored objects: dedups by hash (renames and copies cost nothing), packs small
 * files, chunks large ones, and reuses what an interrupted pass already stored. Chunk lists of packed
 * files are only final once flush() has resolved.
 */
export class ContentUploader {
  private readonly packer: PackBuilder;
  private readonly limiter: TaskLimiter;
  private readonly pendingPackChunks = new Map<string, Chunk[]>();
  private smallReads: ReadAhead<Buffer>;
  bytesStored = 0;

  constructor(
    private readonly root: string,
    private readonly writer: ObjectWriter,
    private readonly resume: ResumeMap,
    /** hash -> a stored copy of that content (from the committed tree and this pass). */
    private readonly known: Map<string, { chunks: Chunk[]; path: string }>,
    private readonly random: RandomSource,
    private readonly tuning: UploadTuning,
    private readonly hints: DedupHints = { sizes: new Set(), pendingPaths: new Set() },
  ) {
    this.packer = new PackBuilder(tuning.packTargetBytes);
    this.limiter = new TaskLimiter(tuning.concurrency);
    this.smallReads = this.readAhead([]);
  }

  /** The files upload() will be called for, in that order, so small ones are read ahead. */
  expect(entries: readonly ScanEntry[]): void {
    this.smallReads = this.readAhead(entries.filter((e) => e.kind === 'file' && e.size <= this.tuning.packFileMax).map((e) => e.path));
  }

  private readAhead(order: string[]): ReadAhead<Buffer> {
    const read = async (path: string) => (await readStable(join(this.root, path), readWhole)).value;
    return new ReadAhead(order, read, Math.max(1, this.tuning.readAhead));
  }

  async upload(entry: ScanEntry, previous: FileEntry | undefined): Promise<ContentOutcome> {
    const abs = join(this.root, entry.path);
    if (entry.size <= this.tuning.packFileMax) {
      const data = await this.smallReads.take(entry.path);
      const hash = createHash('sha256').update(data).digest('hex');
      const early = this.dedup(hash, previous);
      if (early) return early;
      const chunks: Chunk[] = [];
      this.remember(hash, chunks, entry);
      const resumed = this.resume.packedCopy(hash);
      if (resumed) {
        chunks.push(resumed);
        return { kind: 'reused', hash, chunks };
      }
      this.pendingPackChunks.set(hash, chunks);
      const full = this.packer.add({ path: entry.path, hash, data });
      if (full) await this.writePack(full);
      return { kind: 'stored', hash, chunks, bytes: data.length };
    }
    // Hashing first only pays when the content may already be stored: a rename, a copy or an unchanged
    // file has a same-size twin in the tree. Without one, read the file once, sealing while hashing.
    if (!this.hints.sizes.has(entry.size) && !this.hints.pendingPaths.has(entry.path) && entry.size <= this.tuning.directSealMax) {
      return this.sealDirect(abs, entry, previous);
    }
    const { hash } = await sha256File(abs);
    const early = this.dedup(hash, previous);
    if (early) return early;
    const chunks = await this.storeLarge(abs, entry.path, hash, entry.size);
    this.remember(hash, chunks, entry);
    return { kind: 'stored', hash, chunks, bytes: entry.size };
  }

  private remember(hash: string, chunks: Chunk[], entry: ScanEntry): void {
    this.known.set(hash, { chunks, path: entry.path });
    this.hints.sizes.add(entry.size);
  }

  /**
   * Seals a large file in one read, hashing as it goes, every range to a spool file. Only once the read
   * is proven stable (same size, mtime, ctime, inode at the end as at open, the same check a hash pass
   * relies on) and the hash is known are intents journaled, keyed by that hash so a crash during the
   * uploads resumes them, and the objects stored.
   */
  private async sealDirect(abs: string, entry: ScanEntry, previous: FileEntry | undefined): Promise<ContentOutcome> {
    const sealed = await this.sealStable(abs, entry.size);
    const early = this.dedup(sealed.hash, previous);
    if (early) {
      // Same content means same size, so a twin would have sent this file down the hash-first path; kept
      // as a safety net. Nothing was journaled, so the spools are simply dropped.
      await discard(sealed.ranges);
      return early;
    }
    const chunks: Chunk[] = [];
    for (const r of sealed.ranges) {
      const files = [{ path: entry.path, hash: sealed.hash, offset: r.offset, length: r.length }];
      const stored = await this.writer.storeSpooled(r.objectId, r.spool, files);
      this.bytesStored += stored.size;
      chunks.push({ object: stored.objectId, kind: 'data', offset: 0, length: r.length });
    }
    this.remember(sealed.hash, chunks, entry);
    return { kind: 'stored', hash: sealed.hash, chunks, bytes: entry.size };
  }

  private async sealStable(abs: string, size: number, attempts = 3): Promise<{ hash: string; ranges: SpooledRange[] }> {
    for (let attempt = 1; ; attempt++) {
      const file = await openStableFile(abs);
      const ranges: SpooledRange[] = [];
      try {
        // A size other than the scan's means the file changed since: same outcome as a torn read.
        if (file.stat.size === size) {
          const hasher = createHash('sha256');
          for (let offset = 0; offset < size; offset += this.tuning.chunkBytes) {
            const length = Math.min(this.tuning.chunkBytes, size - offset);
            const objectId = newObjectId(this.random);
            const spool = await this.writer.sealToSpool(objectId, handleRange(file.handle, offset, length), hasher);
            ranges.push({ objectId, spool, offset, length });
          }
          if (await file.verifyUnchanged()) return { hash: hasher.digest('hex'), ranges };
        }
      } catch (err) {
        await discard(ranges);
        throw err;
      } finally {
        await file.close();
      }
      await discard(ranges);
      if (attempt >= attempts) throw new FileChangedWhileReadingError(abs, attempt);
    }
  }

  /** Writes the last partial pack and waits for every object in flight. */
  async flush(): Promise<void> {
    const rest = this.packer.take();
    if (rest) await this.writePack(rest);
    await this.limiter.drain();
  }

  private dedup(hash: string, previous: FileEntry | undefined): ContentOutcome | null {
    if (previous?.type === 'file' && previous.hash === hash) return { kind: 'same', hash };
    const copy = this.known.get(hash);
    return copy ? { kind: 'reused', hash, chunks: copy.chunks, from: copy.path } : null;
  }

  private async writePack(members: PackMember[]): Promise<void> {
    const objectId = newObjectId(this.random);
    const { plaintext, ranges } = layOut(members);
    const placed: Chunk[] = [];
    members.forEach((m, i) => {
      const chunk: Chunk = { object: objectId, kind: 'pack', ...ranges[i]! };
      placed.push(chunk);
      this.pendingPackChunks.get(m.hash)?.push(chunk);
    });
    for (const m of members) this.pendingPackChunks.delete(m.hash);
    const files = members.map((m, i) => ({ path: m.path, hash: m.hash, ...ranges[i]! }));
    await this.limiter.run(async () => {
      const stored = await this.writer.writePack(objectId, plaintext, files);
      this.bytesStored += stored.size;
      // The id was taken in the bucket: the pack went under a new one.
      for (const c of placed) c.object = stored.objectId;
    });
  }

  /**
   * Seals a large file range by range, re-hashing as it reads; a different hash means a torn read. One
   * upload runs while the next range seals (two spool files at most, memory unchanged).
   */
  private async storeLarge(abs: string, path: string, hash: string, size: number): Promise<Chunk[]> {
    const hasher = createHash('sha256');
    const chunks: Chunk[] = [];
    const step = this.tuning.chunkBytes;
    const uploads = new TaskLimiter(1);
    const upload = (chunk: Chunk, spool: string, files: { path: string; hash: string; offset: number; length: number }[]) => uploads.run(async () => {
      const stored = await this.writer.uploadSpool(chunk.object, spool, files);
      this.bytesStored += stored.size;
      chunk.object = stored.objectId; // a new id if the chosen one was taken
    });
    try {
      for (let offset = 0; offset < size || (size === 0 && offset === 0); offset += step) {
        const length = Math.min(step, size - offset);
        const files = [{ path, hash, offset, length }];
        const stored = this.resume.storedRange(hash, offset);
        const spooled = this.resume.spooledRange(hash, offset);
        const chunk: Chunk = { object: stored ?? spooled?.objectId ?? newObjectId(this.random), kind: 'data', offset: 0, length };
        if (stored || spooled) {
          await hashRange(abs, offset, length, hasher);
          if (spooled && !stored) await upload(chunk, spooled.spool, files);
        } else {
          await upload(chunk, await this.writer.sealFileRange(chunk.object, abs, { offset, length }, files, hasher), files);
        }
        chunks.push(chunk);
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
    return chunks;
  }
}

/**
 * The file's bytes as of its size at open, read straight into one buffer: no second fstat and no read
 * to find the end, as handle.readFile() does (two of its six thread-pool calls per small file). A file
 * that grew or shrank meanwhile fails readStable's check and is read again.
 */
async function readWhole(f: StableFile): Promise<Buffer> {
  const size = f.stat.size;
  const buf = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const { bytesRead } = await f.handle.read(buf, got, size - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === size ? buf : buf.subarray(0, got);
}

interface SpooledRange {
  objectId: string;
  spool: string;
  offset: number;
  length: number;
}

async function discard(ranges: SpooledRange[]): Promise<void> {
  await Promise.all(ranges.map((r) => unlink(r.spool).catch(() => undefined)));
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

async function hashRange(abs: string, offset: number, length: number, hasher: Hash): Promise<void> {
  if (length === 0) return;
  for await (const c of createReadStream(fsPath(abs), { start: offset, end: offset + length - 1, highWaterMark: 1024 * 1024 })) {
    hasher.update(c as Buffer);
  }
}
