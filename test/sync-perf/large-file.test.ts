import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentUploader, DEFAULT_TUNING, type ChunkList, type DedupHints } from '../../src-main/engine/sync/content-uploader.ts';
import { ObjectWriter } from '../../src-main/engine/sync/object-writer.ts';
import { ResumeMap } from '../../src-main/engine/sync/resume-map.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { FileJournal } from '../../src-main/engine/journal/file-journal.ts';
import { readAll } from '../../src-main/engine/store/body.ts';
import { objectKey, OBJECTS_PREFIX } from '../../src-main/engine/objects/object-keys.ts';
import { FileChangedWhileReadingError } from '../../src-main/engine/scan/stable-read.ts';
import { systemRandom } from '../../src-main/engine/ports/clock.ts';
import type { Sealer } from '../../src-main/engine/ports/sealer.ts';
import type { BlobBody, PutOptions } from '../../src-main/engine/ports/blob-store.ts';
import type { Chunk } from '../../src-main/engine/manifest/schema.ts';
import type { ScanEntry } from '../../src-main/engine/ports/scanner.ts';

// The large-file path of ContentUploader: sealed in one read when no stored file could equal it, hashed
// first when one could. The sealer here passes bytes through (crypto is covered by test/crypto), so each
// stored object is exactly the plaintext range it holds, and a hook can change the file mid-seal.
const MiB = 1024 * 1024;
const tuning = { ...DEFAULT_TUNING, chunkBytes: MiB, packFileMax: 64 * 1024 };

class PassThroughSealer implements Sealer {
  bytesSealed = 0;
  constructor(private readonly onFirstChunk: () => Promise<void> = async () => undefined) {}
  seal(plaintext: Readable): Readable {
    let first = true;
    const hook = this.onFirstChunk;
    const count = (n: number) => (this.bytesSealed += n);
    return plaintext.pipe(new Transform({
      transform(chunk: Buffer, _e, cb) {
        count(chunk.length);
        if (!first) return cb(null, chunk);
        first = false;
        hook().then(() => cb(null, chunk), cb);
      },
    }));
  }
  open(c: Readable): Readable { return c; }
  async sealBytes(p: Uint8Array): Promise<Uint8Array> { return p; }
  async openBytes(c: Uint8Array): Promise<Uint8Array> { return c; }
}

class CountingStore extends MemoryStore {
  puts = 0;
  failPutAfter = Infinity;
  override async put(key: string, body: BlobBody, opts?: PutOptions) {
    if (this.puts >= this.failPutAfter) throw new Error('simulated crash');
    this.puts++;
    return super.put(key, body, opts);
  }
}

const dirs: string[] = [];
const journals: FileJournal[] = [];
afterEach(async () => {
  await Promise.all(journals.splice(0).map((j) => j.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(opts: { sealer?: PassThroughSealer; store?: CountingStore; hints?: DedupHints; dir?: string; known?: Map<string, { chunks: Chunk[]; path: string }> } = {}) {
  const dir = opts.dir ?? await mkdtemp(join(tmpdir(), 'coffer-large-'));
  if (!opts.dir) dirs.push(dir);
  const journal = await FileJournal.open(join(dir, 'state'));
  journals.push(journal);
  const store = opts.store ?? new CountingStore();
  const sealer = opts.sealer ?? new PassThroughSealer();
  const spoolDir = join(dir, 'spool');
  const writer = new ObjectWriter({ store, sealer, journal, vaultId: 'v', spoolDir, random: systemRandom });
  const resume = new ResumeMap(await journal.pending());
  const uploader = new ContentUploader(join(dir, 'folder'), writer, resume, opts.known ?? new Map(), systemRandom, tuning,
    opts.hints ?? { sizes: new Set(), pendingPaths: new Set() });
  return { dir, journal, store, sealer, uploader, spoolDir };
}

async function largeFile(dir: string, name: string, size: number): Promise<{ entry: ScanEntry; data: Buffer }> {
  const data = randomBytes(size);
  await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'folder'), { recursive: true }));
  await writeFile(join(dir, 'folder', name), data);
  return { entry: { path: name, kind: 'file', size, mtimeMs: 0, mode: 0o644 } as ScanEntry, data };
}

/** A large file's own chunks (never IN_PACK: packing is for small files). */
function direct(chunks: ChunkList): Chunk[] {
  if (!Array.isArray(chunks)) throw new Error('expected the file\'s own chunks, got a pack member');
  return chunks;
}

async function storedContent(store: MemoryStore, chunks: ChunkList): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const c of direct(chunks)) parts.push(await readAll(await store.get(objectKey(c.object))));
  return Buffer.concat(parts);
}

async function objectCount(store: MemoryStore): Promise<number> {
  let n = 0;
  for await (const _ of store.list(OBJECTS_PREFIX)) n++;
  return n;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('large files without a same-size twin', () => {
  it('are sealed in one read: every byte sealed once, stored in ranges, journaled by the real hash, no spool left', async () => {
    const t = await setup();
    const { entry, data } = await largeFile(t.dir, 'new.bin', 3 * MiB + 5);
    const out = await t.uploader.upload(entry, undefined);
    expect(out.kind).toBe('stored');
    if (out.kind !== 'stored') return;
    expect(out.hash).toBe(sha(data));
    expect(out.chunks).toHaveLength(4);
    expect(t.sealer.bytesSealed).toBe(data.length);
    expect(sha(await storedContent(t.store, out.chunks))).toBe(sha(data));
    const pending = await t.journal.pending();
    const intents = pending.filter((r) => r.type === 'intent');
    expect(intents).toHaveLength(4);
    for (const r of intents) if (r.type === 'intent') expect(r.files[0]!.hash).toBe(sha(data));
    expect(pending.filter((r) => r.type === 'uploaded')).toHaveLength(4);
    expect(await readdir(t.spoolDir)).toEqual([]);
  });

  it('a file that changes during sealing is detected: nothing stored, journaled or left in the spool', async () => {
    let dir = '';
    const sealer = new PassThroughSealer(async () => {
      const fh = await open(join(dir, 'folder', 'busy.bin'), 'r+');
      await fh.write(randomBytes(16), 0, 16, 2 * MiB); // same size, different content
      await fh.close();
    });
    const t = await setup({ sealer });
    dir = t.dir;
    const { entry } = await largeFile(t.dir, 'busy.bin', 3 * MiB);
    await expect(t.uploader.upload(entry, undefined)).rejects.toBeInstanceOf(FileChangedWhileReadingError);
    expect(t.store.puts).toBe(0);
    expect(await t.journal.pending()).toEqual([]);
    expect(await readdir(t.spoolDir)).toEqual([]);
  });

  it('a change during the first attempt only: stores the settled content, nothing from the torn read', async () => {
    let dir = '';
    let changes = 0;
    let settled = Buffer.alloc(0);
    const sealer = new PassThroughSealer(async () => {
      if (changes++ > 0) return;
      settled = randomBytes(3 * MiB);
      await writeFile(join(dir, 'folder', 'once.bin'), settled);
    });
    const t = await setup({ sealer });
    dir = t.dir;
    const { entry } = await largeFile(t.dir, 'once.bin', 3 * MiB);
    const out = await t.uploader.upload(entry, undefined);
    if (out.kind !== 'stored') throw new Error(`expected stored, got ${out.kind}`);
    expect(out.hash).toBe(sha(settled));
    expect(sha(await storedContent(t.store, out.chunks))).toBe(sha(settled));
    expect(await objectCount(t.store)).toBe(3);
  });

  it('a file whose size differs from the scan is refused as changed', async () => {
    const t = await setup();
    const { entry } = await largeFile(t.dir, 'grown.bin', 2 * MiB);
    await expect(t.uploader.upload({ ...entry, size: 2 * MiB - 1 }, undefined)).rejects.toBeInstanceOf(FileChangedWhileReadingError);
    expect(t.store.puts).toBe(0);
  });
});

describe('large files with a same-size twin (rename, copy, unchanged)', () => {
  it('are hashed first and reuse the stored copy: no upload for a renamed large file', async () => {
    const first = await setup();
    const { entry, data } = await largeFile(first.dir, 'a.bin', 2 * MiB + 1);
    const stored = await first.uploader.upload(entry, undefined);
    if (stored.kind !== 'stored') throw new Error('expected stored');
    const known = new Map([[stored.hash, { chunks: direct(stored.chunks), path: 'a.bin' }]]);
    const second = await setup({ store: first.store, known, hints: { sizes: new Set([entry.size]), pendingPaths: new Set() } });
    await writeFile(join(second.dir, 'folder', 'renamed.bin'), data).catch(async () => {
      await import('node:fs/promises').then((fs) => fs.mkdir(join(second.dir, 'folder'), { recursive: true }));
      await writeFile(join(second.dir, 'folder', 'renamed.bin'), data);
    });
    const puts = first.store.puts;
    const out = await second.uploader.upload({ ...entry, path: 'renamed.bin' }, undefined);
    expect(out).toMatchObject({ kind: 'reused', hash: sha(data), from: 'a.bin' });
    expect(first.store.puts).toBe(puts);
    expect(second.sealer.bytesSealed).toBe(0);
  });

  it('after a crash mid-upload the restarted pass hashes first and resumes: no range stored twice', async () => {
    const store = new CountingStore();
    store.failPutAfter = 1;
    const t = await setup({ store });
    const { entry, data } = await largeFile(t.dir, 'big.bin', 3 * MiB);
    await expect(t.uploader.upload(entry, undefined)).rejects.toThrow('simulated crash');
    await journals.pop()!.close();

    store.failPutAfter = Infinity;
    const j = await FileJournal.open(join(t.dir, 'state'));
    const pending = await j.pending();
    await j.close();
    const pendingPaths = new Set(pending.flatMap((r) => (r.type === 'intent' ? r.files.map((f) => f.path) : [])));
    expect(pendingPaths).toEqual(new Set(['big.bin']));
    const again = await setup({ store, dir: t.dir, hints: { sizes: new Set(), pendingPaths } });
    const out = await again.uploader.upload(entry, undefined);
    if (out.kind !== 'stored') throw new Error('expected stored');
    expect(sha(await storedContent(store, out.chunks))).toBe(sha(data));
    expect(store.puts).toBe(3);
    expect(await objectCount(store)).toBe(3);
  });
});

describe('hash-first large files: sealing overlaps uploading', () => {
  it('seals the next range while one upload runs, never two uploads at once, and stores every range', async () => {
    const events: string[] = [];
    let inflight = 0;
    let maxInflight = 0;
    class SlowStore extends CountingStore {
      override async put(key: string, body: BlobBody, opts?: PutOptions) {
        inflight++;
        maxInflight = Math.max(maxInflight, inflight);
        events.push('put-start');
        await new Promise((r) => setTimeout(r, 60));
        try {
          return await super.put(key, body, opts);
        } finally {
          inflight--;
          events.push('put-end');
        }
      }
    }
    const store = new SlowStore();
    const sealer = new PassThroughSealer(async () => void events.push('seal-start'));
    const size = 4 * MiB;
    const t = await setup({ store, sealer, hints: { sizes: new Set([size]), pendingPaths: new Set() } });
    const { entry, data } = await largeFile(t.dir, 'twin-size.bin', size);
    const out = await t.uploader.upload(entry, undefined);
    if (out.kind !== 'stored') throw new Error('expected stored');
    expect(sha(await storedContent(store, out.chunks))).toBe(sha(data));
    expect(maxInflight).toBe(1);
    // Range 2's seal starts before range 1's put ends.
    expect(events.slice(0, 4)).toEqual(['seal-start', 'put-start', 'seal-start', 'put-end']);
    expect(events.filter((e) => e === 'put-end')).toHaveLength(4);
    expect(await readdir(t.spoolDir)).toEqual([]);
  });

  it('a failed upload fails the file and leaves no upload running', async () => {
    const store = new CountingStore();
    store.failPutAfter = 1;
    const t = await setup({ store, hints: { sizes: new Set([3 * MiB]), pendingPaths: new Set() } });
    const { entry } = await largeFile(t.dir, 'fails.bin', 3 * MiB);
    await expect(t.uploader.upload(entry, undefined)).rejects.toThrow('simulated crash');
    const puts = store.puts;
    await new Promise((r) => setTimeout(r, 50));
    expect(store.puts).toBe(puts);
  });
});
