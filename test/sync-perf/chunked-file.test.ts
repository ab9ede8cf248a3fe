import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentUploader, DEFAULT_TUNING, type ChunkList, type ContentOutcome, type DedupHints } from '../../src-main/engine/sync/content-uploader.ts';
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
import { vaultChunker } from '../../src-main/engine/vault/vault-chunker.ts';
import type { FileChunker } from '../../src-main/engine/sync/chunked-upload.ts';
import { CDC_PARAMS_V2 } from '../../src-main/engine/chunking/fastcdc.ts';
import { seededBytes } from '../support/seeded-bytes.ts';

// The large-file path of ContentUploader (format 4): content-defined chunks, each its own message, in chunk
// packs, deduplicated by keyed id, in one read. The chunker is the real one (engine/chunking/) under a fixed secret; the sealer
// passes bytes through (crypto is covered by test/crypto), so each stored object is exactly the chunk it
// holds, and a hook can change the file mid-seal.
const MiB = 1024 * 1024;
const tuning = { ...DEFAULT_TUNING, packFileMax: 64 * 1024 };
/** A new vault's chunker: the V2 parameters (vault/chunking-layout.ts). */
const chunker = vaultChunker({ secret: new Uint8Array(32).fill(7), params: CDC_PARAMS_V2 });

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
  async sealBytes(p: Uint8Array): Promise<Uint8Array> {
    this.bytesSealed += p.length;
    if (this.first) {
      this.first = false;
      await this.onFirstChunk();
    }
    return p;
  }
  private first = true;
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

interface SetupOptions {
  sealer?: PassThroughSealer;
  store?: CountingStore;
  hints?: DedupHints;
  dir?: string;
  known?: Map<string, { chunks: Chunk[]; path: string }>;
  knownChunks?: Map<string, Chunk>;
  packTargetBytes?: number;
}

async function setup(opts: SetupOptions = {}) {
  const dir = opts.dir ?? await mkdtemp(join(tmpdir(), 'coffer-large-'));
  if (!opts.dir) dirs.push(dir);
  const journal = await FileJournal.open(join(dir, 'state'));
  journals.push(journal);
  const store = opts.store ?? new CountingStore();
  const sealer = opts.sealer ?? new PassThroughSealer();
  const spoolDir = join(dir, 'spool');
  const writer = new ObjectWriter({ store, sealer, journal, vaultId: 'v', spoolDir, random: systemRandom });
  const resume = new ResumeMap(await journal.pending());
  const chunks = { known: opts.knownChunks ?? new Map<string, Chunk>(), chunker: async () => chunker };
  const tuned = opts.packTargetBytes ? { ...tuning, chunkPackBytes: opts.packTargetBytes } : tuning;
  const uploader = new ContentUploader(join(dir, 'folder'), writer, resume, opts.known ?? new Map(), systemRandom, tuned, chunks,
    opts.hints ?? { unchunkedSizes: new Set() });
  return { dir, journal, store, sealer, uploader, spoolDir, writer };
}

async function largeFile(dir: string, name: string, size: number, data: Buffer = randomBytes(size)): Promise<{ entry: ScanEntry; data: Buffer }> {
  await mkdir(join(dir, 'folder'), { recursive: true });
  await writeFile(join(dir, 'folder', name), data);
  return { entry: { path: name, kind: 'file', size: data.length, mtimeMs: 0, mode: 0o644 } as ScanEntry, data };
}

/** The chunks a stored outcome names, and the id map a later pass would build from its tree. */
function idsOf(chunks: ChunkList): Map<string, Chunk> {
  return new Map(direct(chunks).map((c) => [c.id!, c]));
}

/** A file's chunks as a list (an outcome of an earlier pass, or one resolved by flush()). */
function direct(chunks: ChunkList): Chunk[] {
  if (!Array.isArray(chunks)) throw new Error('expected resolved chunks: call stored() first');
  return chunks;
}

/** Waits for a stored outcome's chunks (they come from flush(), by hash) and returns the outcome with them. */
async function stored(uploader: ContentUploader, out: ContentOutcome): Promise<{ kind: 'stored' | 'reused'; hash: string; chunks: Chunk[] }> {
  if (out.kind === 'same') throw new Error('expected stored, got same');
  if (Array.isArray(out.chunks)) return { kind: out.kind, hash: out.hash, chunks: out.chunks };
  const chunks = (await uploader.flush()).get(out.hash);
  if (!chunks) throw new Error(`flush() returned no chunks for ${out.hash}`);
  return { kind: out.kind, hash: out.hash, chunks };
}

async function storedContent(store: MemoryStore, chunks: ChunkList): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const c of direct(chunks)) {
    // A chunk in a chunk pack is the byte range of its message (the sealer here passes bytes through).
    const range = c.kind === 'chunk' ? { range: { start: c.offset, end: c.offset + c.sealed! - 1 } } : {};
    parts.push(await readAll(await store.get(objectKey(c.object), range)));
  }
  return Buffer.concat(parts);
}

/** The distinct objects (chunk packs) a chunk list names. */
const objectsOf = (chunks: Chunk[]) => new Set(chunks.map((c) => c.object));

async function objectCount(store: MemoryStore): Promise<number> {
  let n = 0;
  for await (const _ of store.list(OBJECTS_PREFIX)) n++;
  return n;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');


describe('large files are stored as content-defined chunks', () => {
  it('in one read: every byte sealed once, chunk sizes within the bounds, packed, each chunk journaled by its id, no spool', async () => {
    const t = await setup({ packTargetBytes: 4 * MiB });
    const { entry, data } = await largeFile(t.dir, 'new.bin', 20 * MiB + 5);
    const out = await stored(t.uploader, await t.uploader.upload(entry, undefined));
    if (out.kind !== 'stored') throw new Error(`expected stored, got ${out.kind}`);
    expect(out.hash).toBe(sha(data));
    const chunks = direct(out.chunks);
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks.slice(0, -1)) {
      expect(c.length).toBeGreaterThanOrEqual(CDC_PARAMS_V2.min);
      expect(c.length).toBeLessThanOrEqual(CDC_PARAMS_V2.max);
    }
    expect(t.sealer.bytesSealed).toBe(data.length);
    expect(sha(await storedContent(t.store, out.chunks))).toBe(sha(data));
    // Chunk packs of at least the target (the last may be short), each chunk a message at its own place.
    const packs = [...objectsOf(chunks)];
    expect(packs.length).toBeGreaterThan(1);
    expect(packs.length).toBeLessThan(chunks.length);
    for (const c of chunks) expect(c).toMatchObject({ kind: 'chunk', sealed: c.length, message: expect.stringMatching(/^[0-9a-f]{32}$/) });
    for (const p of packs.slice(0, -1)) {
      const inPack = chunks.filter((c) => c.object === p);
      expect(inPack.reduce((n, c) => n + c.sealed!, 0)).toBeGreaterThanOrEqual(4 * MiB);
      expect(inPack.map((c) => c.offset)).toEqual(inPack.map((_, i) => inPack.slice(0, i).reduce((n, c) => n + c.sealed!, 0)));
    }
    const pending = await t.journal.pending();
    const intents = pending.filter((r) => r.type === 'intent');
    expect(intents).toHaveLength(packs.length);
    expect(intents.flatMap((r) => (r.type === 'intent' && r.kind === 'chunks' ? r.files.map((f) => f.hash) : []))).toEqual(chunks.map((c) => c.id));
    expect(pending.filter((r) => r.type === 'uploaded')).toHaveLength(packs.length);
    expect(await readdir(t.spoolDir).catch(() => [])).toEqual([]);
  });

  it('a new version after a 1 MiB edit in the middle stores only the chunks around the edit (dedup across versions)', async () => {
    const first = await setup();
    // Seeded bytes: where the cuts fall decides how much is re-stored, so the same bytes on every run.
    const { entry, data } = await largeFile(first.dir, 'mail.mbox', 40 * MiB, seededBytes('mail.mbox v1', 40 * MiB));
    const v1 = await stored(first.uploader, await first.uploader.upload(entry, undefined));
    if (v1.kind !== 'stored') throw new Error('expected stored');
    const edited = Buffer.from(data);
    seededBytes('the edit', MiB).copy(edited, 20 * MiB);
    const second = await setup({ store: first.store, knownChunks: idsOf(v1.chunks) });
    const { entry: e2 } = await largeFile(second.dir, 'mail.mbox', edited.length, edited);
    const before = first.store.puts;
    const v2 = await stored(second.uploader, await second.uploader.upload(e2, { path: 'mail.mbox', type: 'file', size: data.length, mode: 0o644, mtimeMs: 0, hash: v1.hash, chunks: direct(v1.chunks), device: 'd', seq: 1 }));
    if (v2.kind !== 'stored') throw new Error('expected stored');
    expect(sha(await storedContent(first.store, v2.chunks))).toBe(sha(edited));
    // What was sealed is exactly the chunks version 1 did not have: one run of neighbours covering the edit.
    const oldMessages = new Set(direct(v1.chunks).map((c) => c.message));
    let at = 0;
    const placed = direct(v2.chunks).map((c, i) => ({ i, message: c.message, object: c.object, start: at, end: (at += c.length) }));
    const fresh = placed.filter((c) => !oldMessages.has(c.message));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.map((f) => f.i)).toEqual(fresh.map((_, k) => fresh[0]!.i + k));
    expect(fresh[0]!.start).toBeLessThanOrEqual(20 * MiB);
    expect(fresh.at(-1)!.end).toBeGreaterThanOrEqual(21 * MiB);
    expect(second.sealer.bytesSealed).toBe(fresh.at(-1)!.end - fresh[0]!.start);
    // Fewer than a pack's worth of new chunks: one new chunk pack, one PUT.
    expect(new Set(fresh.map((f) => f.object)).size).toBe(1);
    expect(first.store.puts - before).toBe(1);
    expect(second.sealer.bytesSealed).toBeLessThanOrEqual(4 * MiB);
  });

  it('a different file with the same bytes inside shares their chunks (dedup across files), and a 1-byte append costs one chunk', async () => {
    const t = await setup();
    const { entry, data } = await largeFile(t.dir, 'video.raw', 24 * MiB);
    const a = await stored(t.uploader, await t.uploader.upload(entry, undefined));
    if (a.kind !== 'stored') throw new Error('expected stored');
    const sealedAfterFirst = t.sealer.bytesSealed;
    const { entry: grown } = await largeFile(t.dir, 'video-copy.raw', data.length + 1, Buffer.concat([data, Buffer.from([42])]));
    const b = await stored(t.uploader, await t.uploader.upload(grown, undefined));
    if (b.kind !== 'stored') throw new Error('expected stored');
    expect(t.sealer.bytesSealed - sealedAfterFirst).toBeLessThanOrEqual(CDC_PARAMS_V2.max + 1);
    expect(direct(b.chunks).slice(0, -1)).toEqual(direct(a.chunks).slice(0, -1));
    expect(sha(await storedContent(t.store, b.chunks))).toBe(sha(Buffer.concat([data, Buffer.from([42])])));
  });

  it('an unchanged file whose mtime moved stores nothing and is the same content', async () => {
    const first = await setup();
    const { entry, data } = await largeFile(first.dir, 'same.bin', 6 * MiB);
    const v1 = await stored(first.uploader, await first.uploader.upload(entry, undefined));
    if (v1.kind !== 'stored') throw new Error('expected stored');
    const second = await setup({ store: first.store, knownChunks: idsOf(v1.chunks) });
    await largeFile(second.dir, 'same.bin', data.length, data);
    const puts = first.store.puts;
    const out = await second.uploader.upload({ ...entry, mtimeMs: 5 }, { path: 'same.bin', type: 'file', size: data.length, mode: 0o644, mtimeMs: 0, hash: v1.hash, chunks: direct(v1.chunks), device: 'd', seq: 1 });
    expect(out).toEqual({ kind: 'same', hash: sha(data) });
    expect(first.store.puts).toBe(puts);
    expect(second.sealer.bytesSealed).toBe(0);
  });

  it('a file that changes while it is read is refused as changed; what it queued stays unreferenced', async () => {
    const t = await setup();
    const { entry } = await largeFile(t.dir, 'busy.bin', 3 * MiB);
    // A chunker that lets a write land after handing out the first chunk, as an editor saving meanwhile.
    const busy: FileChunker = {
      chunk(abs) {
        const inner = chunker.chunk(abs);
        return {
          sha256: () => inner.sha256(),
          chunks: (async function* () {
            let first = true;
            for await (const c of inner.chunks) {
              yield c;
              if (first) {
                first = false;
                const fh = await open(abs, 'r+');
                await fh.write(randomBytes(16), 0, 16, 2 * MiB); // same size, different content
                await fh.close();
              }
            }
          })(),
        };
      },
    };
    const uploader = new ContentUploader(join(t.dir, 'folder'), t.writer, new ResumeMap([]), new Map(), systemRandom, tuning,
      { known: new Map(), chunker: async () => busy });
    await expect(uploader.upload(entry, undefined)).rejects.toBeInstanceOf(FileChangedWhileReadingError);
  });

  it('a file whose size differs from the scan is refused as changed, before anything is stored', async () => {
    const t = await setup();
    const { entry } = await largeFile(t.dir, 'grown.bin', 2 * MiB);
    await expect(t.uploader.upload({ ...entry, size: 2 * MiB - 1 }, undefined)).rejects.toBeInstanceOf(FileChangedWhileReadingError);
    expect(t.store.puts).toBe(0);
  });
});

describe('large files stored before format 3 (fixed ranges, no chunk ids)', () => {
  it('a renamed one is hashed first and reuses the stored copy: no upload', async () => {
    const t = await setup();
    const { data } = await largeFile(t.dir, 'old.bin', 2 * MiB + 1);
    const oldChunks: Chunk[] = [{ object: 'a'.repeat(32), kind: 'data', offset: 0, length: data.length }];
    const known = new Map([[sha(data), { chunks: oldChunks, path: 'old.bin' }]]);
    const again = await setup({ store: t.store, known, hints: { unchunkedSizes: new Set([data.length]) } });
    const { entry } = await largeFile(again.dir, 'renamed.bin', data.length, data);
    const out = await again.uploader.upload(entry, undefined);
    expect(out).toEqual({ kind: 'reused', hash: sha(data), chunks: oldChunks, from: 'old.bin' });
    expect(t.store.puts).toBe(0);
    expect(again.sealer.bytesSealed).toBe(0);
  });
});

/** Chunk packs of 2 MiB: a 12 MiB file fills several. */
const SMALL_PACKS = 2 * MiB;

/** A pass that stored `puts` chunk packs of a 12 MiB file's chunks, then crashed (its journal closed, as by a restart). */
async function crashedAfter(puts: number, name: string) {
  const store = new CountingStore();
  store.failPutAfter = puts;
  const t = await setup({ store, packTargetBytes: SMALL_PACKS });
  const { entry, data } = await largeFile(t.dir, name, 12 * MiB);
  await expect(t.uploader.upload(entry, undefined).then(() => t.uploader.flush())).rejects.toThrow('simulated crash');
  await journals.pop()!.close();
  return { store, t, entry, data };
}

describe('after a crash', () => {
  it('the restarted pass reuses every chunk stored before the crash: no chunk stored twice', async () => {
    const { store, t, entry, data } = await crashedAfter(3, 'big.bin');
    const storedBefore = await objectCount(store);
    expect(storedBefore).toBe(3);

    store.failPutAfter = Infinity;
    const again = await setup({ store, dir: t.dir, packTargetBytes: SMALL_PACKS });
    const out = await stored(again.uploader, await again.uploader.upload(entry, undefined));
    if (out.kind !== 'stored') throw new Error('expected stored');
    expect(sha(await storedContent(store, out.chunks))).toBe(sha(data));
    // Every stored pack is named (the three from before the crash too), and each was put once.
    const named = objectsOf(direct(out.chunks));
    expect(named.size).toBeGreaterThan(3);
    expect(await objectCount(store)).toBe(named.size);
    expect(store.puts).toBe(named.size);
  });

  it('a chunk stored before the crash but pruned since (the device was off for days) is stored again', async () => {
    const { store, t, entry, data } = await crashedAfter(2, 'late.bin');
    // Another device's prune removed the unreferenced chunks meanwhile.
    for await (const o of store.list(OBJECTS_PREFIX)) await store.delete(o.key);

    store.failPutAfter = Infinity;
    const again = await setup({ store, dir: t.dir, packTargetBytes: SMALL_PACKS });
    const out = await stored(again.uploader, await again.uploader.upload(entry, undefined));
    if (out.kind !== 'stored') throw new Error('expected stored');
    expect(sha(await storedContent(store, out.chunks))).toBe(sha(data));
    expect(await objectCount(store)).toBe(objectsOf(direct(out.chunks)).size);
  });

  it('a failed upload fails the file and leaves no upload running', async () => {
    const store = new CountingStore();
    store.failPutAfter = 1;
    const t = await setup({ store, packTargetBytes: SMALL_PACKS });
    const { entry } = await largeFile(t.dir, 'fails.bin', 8 * MiB);
    await expect(t.uploader.upload(entry, undefined).then(() => t.uploader.flush())).rejects.toThrow('simulated crash');
    const puts = store.puts;
    await new Promise((r) => setTimeout(r, 50));
    expect(store.puts).toBe(puts);
  });
});
