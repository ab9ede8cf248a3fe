import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Chunk, FileEntry } from '../manifest/schema.ts';
import type { RandomSource } from '../ports/clock.ts';
import { newObjectId } from '../manifest/object-id.ts';
import { ObjectWriter } from './object-writer.ts';
import { PackBuilder, layOut, type PackMember } from './pack-builder.ts';
import { ResumeMap } from './resume-map.ts';
import { TaskLimiter } from './limiter.ts';
import { FileChangedWhileReadingError, readStable, sha256File } from '../scan/stable-read.ts';
import type { ScanEntry } from '../ports/scanner.ts';

export interface UploadTuning {
  /** Files up to this size are packed together. */
  packFileMax: number;
  packTargetBytes: number;
  /** Larger files are stored in objects of this many plaintext bytes. */
  chunkBytes: number;
  concurrency: number;
}

export const DEFAULT_TUNING: UploadTuning = {
  packFileMax: 1024 * 1024,
  packTargetBytes: 8 * 1024 * 1024,
  chunkBytes: 64 * 1024 * 1024,
  concurrency: 4,
};

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
  bytesStored = 0;

  constructor(
    private readonly root: string,
    private readonly writer: ObjectWriter,
    private readonly resume: ResumeMap,
    /** hash -> a stored copy of that content (from the committed tree and this pass). */
    private readonly known: Map<string, { chunks: Chunk[]; path: string }>,
    private readonly random: RandomSource,
    private readonly tuning: UploadTuning,
  ) {
    this.packer = new PackBuilder(tuning.packTargetBytes);
    this.limiter = new TaskLimiter(tuning.concurrency);
  }

  async upload(entry: ScanEntry, previous: FileEntry | undefined): Promise<ContentOutcome> {
    const abs = join(this.root, entry.path);
    if (entry.size <= this.tuning.packFileMax) {
      const { value: data } = await readStable(abs, (f) => f.handle.readFile());
      const hash = createHash('sha256').update(data).digest('hex');
      const early = this.dedup(hash, previous);
      if (early) return early;
      const chunks: Chunk[] = [];
      this.known.set(hash, { chunks, path: entry.path });
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
    const { hash } = await sha256File(abs);
    const early = this.dedup(hash, previous);
    if (early) return early;
    const chunks = await this.storeLarge(abs, entry.path, hash, entry.size);
    this.known.set(hash, { chunks, path: entry.path });
    return { kind: 'stored', hash, chunks, bytes: entry.size };
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
    members.forEach((m, i) => this.pendingPackChunks.get(m.hash)?.push({ object: objectId, kind: 'pack', ...ranges[i]! }));
    for (const m of members) this.pendingPackChunks.delete(m.hash);
    const files = members.map((m, i) => ({ path: m.path, hash: m.hash, ...ranges[i]! }));
    await this.limiter.run(async () => {
      this.bytesStored += await this.writer.writePack(objectId, plaintext, files);
    });
  }

  /** Seals a large file range by range, re-hashing as it reads; a different hash means a torn read. */
  private async storeLarge(abs: string, path: string, hash: string, size: number): Promise<Chunk[]> {
    const hasher = createHash('sha256');
    const chunks: Chunk[] = [];
    const step = this.tuning.chunkBytes;
    for (let offset = 0; offset < size || (size === 0 && offset === 0); offset += step) {
      const length = Math.min(step, size - offset);
      const files = [{ path, hash, offset, length }];
      const stored = this.resume.storedRange(hash, offset);
      const spooled = this.resume.spooledRange(hash, offset);
      let objectId: string;
      if (stored || spooled) {
        objectId = (stored ?? spooled!.objectId);
        await hashRange(abs, offset, length, hasher);
        if (spooled && !stored) this.bytesStored += await this.writer.uploadSpool(objectId, spooled.spool);
      } else {
        objectId = newObjectId(this.random);
        this.bytesStored += await this.writer.writeFileRange(objectId, abs, { offset, length }, files, hasher);
      }
      chunks.push({ object: objectId, kind: 'data', offset: 0, length });
      if (size === 0) break;
    }
    // The content changed between hashing and sealing: the ranges stored may be torn. They stay
    // unreferenced (garbage-collected); the file is stored on the next pass.
    if (hasher.digest('hex') !== hash) throw new FileChangedWhileReadingError(abs, 1);
    return chunks;
  }
}

async function hashRange(abs: string, offset: number, length: number, hasher: import('node:crypto').Hash): Promise<void> {
  if (length === 0) return;
  const { createReadStream } = await import('node:fs');
  for await (const c of createReadStream(abs, { start: offset, end: offset + length - 1, highWaterMark: 1024 * 1024 })) {
    hasher.update(c as Buffer);
  }
}
