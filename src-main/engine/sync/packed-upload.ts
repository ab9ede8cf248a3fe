import { join } from 'node:path';
import type { Chunk } from '../manifest/schema.ts';
import type { RandomSource } from '../ports/clock.ts';
import { newObjectId } from '../objects/object-id.ts';
import type { ObjectWriter } from './object-writer.ts';
import { PackBuilder, sealPack, type PackMember } from './pack-builder.ts';
import { TaskLimiter } from './limiter.ts';
import { ReadAhead } from './read-ahead.ts';
import { readStable, type StableFile } from '../scan/stable-read.ts';

export interface PackTuning {
  /** A pack is sealed once its members reach this many plaintext bytes (DEFAULT_TUNING: 16 MiB). */
  packTargetBytes: number;
  /** Packs sealed and stored at once. */
  concurrency: number;
  /** Small files read ahead of the one being packed (their I/O overlaps; packing stays in order). */
  readAhead: number;
  /** The plaintext length a pack is padded to (the vault's padding setting; identity when off). */
  padTo: (n: number) => number;
}

/**
 * Strategy 1 of the content uploader: small files, read ahead in upload order, packed in that order and
 * sealed in memory, a few packs stored at once. A packed file has no chunk until its pack is stored: the
 * chunks come back from flush(), by content hash, and the caller builds the manifest entries from them.
 * Journals (through the writer) an intent per pack before its PUT and 'uploaded' after.
 */
export class PackedUploads {
  private readonly builder: PackBuilder;
  private readonly limiter: TaskLimiter;
  private reads: ReadAhead<Buffer>;
  /** Content hash -> its chunk, for every member of a pack stored so far. */
  private readonly sealed = new Map<string, Chunk>();
  bytesStored = 0;

  constructor(
    private readonly root: string,
    private readonly writer: ObjectWriter,
    private readonly random: RandomSource,
    private readonly tuning: PackTuning,
  ) {
    this.builder = new PackBuilder(tuning.packTargetBytes);
    this.limiter = new TaskLimiter(tuning.concurrency);
    this.reads = this.readAhead([]);
  }

  /** The small files read() will be called for, in that order. */
  expect(paths: string[]): void {
    this.reads = this.readAhead(paths);
  }

  /** The file's bytes, read stably (a torn read is retried, then fails). */
  read(path: string): Promise<Buffer> {
    return this.reads.take(path);
  }

  /** Adds one file to the open pack; seals and starts storing the pack once it is full. */
  async add(member: PackMember): Promise<void> {
    const full = this.builder.add(member);
    if (full) await this.seal(full);
  }

  /** Seals the last partial pack, waits for every pack in flight, and returns each packed hash's chunk. */
  async flush(): Promise<ReadonlyMap<string, Chunk>> {
    const rest = this.builder.take();
    if (rest) await this.seal(rest);
    await this.limiter.drain();
    return this.sealed;
  }

  private async seal(members: PackMember[]): Promise<void> {
    const objectId = newObjectId(this.random);
    await this.limiter.run(async () => {
      const pack = await sealPack(this.writer, objectId, members, this.tuning.padTo);
      this.bytesStored += pack.size;
      for (const m of pack.members) this.sealed.set(m.hash, m.chunk);
    });
  }

  private readAhead(order: string[]): ReadAhead<Buffer> {
    const read = async (path: string) => (await readStable(join(this.root, path), readWhole)).value;
    return new ReadAhead(order, read, Math.max(1, this.tuning.readAhead));
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
