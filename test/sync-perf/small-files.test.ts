import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentUploader, DEFAULT_TUNING, IN_PACK, type ContentOutcome } from '../../src-main/engine/sync/content-uploader.ts';
import { ObjectWriter } from '../../src-main/engine/sync/object-writer.ts';
import { ResumeMap } from '../../src-main/engine/sync/resume-map.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { FileJournal } from '../../src-main/engine/journal/file-journal.ts';
import { readAll } from '../../src-main/engine/store/body.ts';
import { objectKey } from '../../src-main/engine/objects/object-keys.ts';
import { systemRandom } from '../../src-main/engine/ports/clock.ts';
import type { Sealer } from '../../src-main/engine/ports/sealer.ts';
import type { ScanEntry } from '../../src-main/engine/ports/scanner.ts';
import type { Chunk } from '../../src-main/engine/manifest/schema.ts';
import type { Readable } from 'node:stream';

// Small files are read ahead of the one being packed; what is packed, in what order, and which file
// reports which error must not depend on that.
const identity: Sealer = {
  seal: (p: Readable) => p,
  open: (c: Readable) => c,
  sealBytes: async (p) => p,
  openBytes: async (c) => c,
};

const dirs: string[] = [];
const journals: FileJournal[] = [];
afterEach(async () => {
  await Promise.all(journals.splice(0).map((j) => j.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(packTargetBytes: number) {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-small-'));
  dirs.push(dir);
  await mkdir(join(dir, 'folder'));
  const journal = await FileJournal.open(join(dir, 'state'));
  journals.push(journal);
  const store = new MemoryStore();
  const writer = new ObjectWriter({ store, sealer: identity, journal, vaultId: 'v', spoolDir: join(dir, 'spool'), random: systemRandom });
  const uploader = new ContentUploader(join(dir, 'folder'), writer, new ResumeMap([]), new Map(), systemRandom,
    { ...DEFAULT_TUNING, packTargetBytes, readAhead: 8 },
    // Only small files here: a chunker is never asked for.
    { known: new Map(), chunker: () => Promise.reject(new Error('no large file in this test')) });
  return { dir, store, uploader };
}

/** The chunks an outcome names: its own, or for content put in a pack, the ones flush() returned for its hash. */
function chunksOf(out: ContentOutcome, packed: ReadonlyMap<string, Chunk[]>): Chunk[] {
  if (out.kind === 'same') throw new Error('unexpected same');
  if (out.chunks !== IN_PACK) return out.chunks;
  const chunks = packed.get(out.hash);
  if (!chunks) throw new Error(`flush() returned no chunk for ${out.hash}`);
  return chunks;
}

async function content(store: MemoryStore, chunks: Chunk[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const c of chunks) parts.push((await readAll(await store.get(objectKey(c.object)))).subarray(c.offset, c.offset + c.length));
  return Buffer.concat(parts);
}

describe('small files read ahead', () => {
  it('packs every file with its own bytes, laid out in upload order, whatever order the reads finish in', async () => {
    const t = await setup(64 * 1024);
    const files: { entry: ScanEntry; data: Buffer }[] = [];
    for (let i = 0; i < 120; i++) {
      const data = randomBytes((i * 7919) % 9000); // includes empty and pool-sized files
      const path = `f${String(i).padStart(3, '0')}.bin`;
      await writeFile(join(t.dir, 'folder', path), data);
      files.push({ entry: { path, kind: 'file', size: data.length, mtimeMs: 0, mode: 0o644 } as ScanEntry, data });
    }
    t.uploader.expect(files.map((f) => f.entry));
    const outs = [];
    for (const f of files) outs.push(await t.uploader.upload(f.entry, undefined));
    const packed = await t.uploader.flush();
    const seen = new Set<string>();
    let last: { object: string; end: number } | null = null;
    for (const [i, out] of outs.entries()) {
      if (out.kind === 'same') throw new Error('unexpected same');
      const h = createHash('sha256').update(files[i]!.data).digest('hex');
      expect(out.hash).toBe(h);
      if (seen.has(h)) {
        // A duplicate content (the empty file) reuses the first copy, still in its pack at that point.
        expect(out).toMatchObject({ kind: 'reused', chunks: IN_PACK });
        expect((await content(t.store, chunksOf(out, packed))).equals(files[i]!.data)).toBe(true);
        continue;
      }
      seen.add(h);
      expect(out.kind).toBe('stored');
      // A packed file's chunk is not known at upload(): it comes back from flush().
      expect(out.chunks).toBe(IN_PACK);
      const chunks = chunksOf(out, packed);
      expect((await content(t.store, chunks)).equals(files[i]!.data)).toBe(true);
      const c = chunks[0]!;
      // Within a pack, members sit back to back in upload order.
      if (last && last.object === c.object) expect(c.offset).toBe(last.end);
      last = { object: c.object, end: c.offset + c.length };
    }
  });

  it('a file removed after the scan fails at its own turn with ENOENT; the files around it are stored', async () => {
    const t = await setup(1024 * 1024);
    const entries: ScanEntry[] = [];
    for (const name of ['a', 'b', 'c', 'd']) {
      await writeFile(join(t.dir, 'folder', name), `content of ${name}`);
      entries.push({ path: name, kind: 'file', size: 12, mtimeMs: 0, mode: 0o644 } as ScanEntry);
    }
    await unlink(join(t.dir, 'folder', 'b'));
    t.uploader.expect(entries);
    expect((await t.uploader.upload(entries[0]!, undefined)).kind).toBe('stored');
    await expect(t.uploader.upload(entries[1]!, undefined)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await t.uploader.upload(entries[2]!, undefined)).kind).toBe('stored');
    const d = await t.uploader.upload(entries[3]!, undefined);
    const packed = await t.uploader.flush();
    expect((await content(t.store, chunksOf(d, packed))).toString()).toBe('content of d');
  });

  it('reads the file as it is at open, not the size the scan saw', async () => {
    const t = await setup(1024 * 1024);
    await writeFile(join(t.dir, 'folder', 'grew'), 'now longer than scanned');
    const entry = { path: 'grew', kind: 'file', size: 3, mtimeMs: 0, mode: 0o644 } as ScanEntry;
    t.uploader.expect([entry]);
    const out = await t.uploader.upload(entry, undefined);
    const packed = await t.uploader.flush();
    expect((await content(t.store, chunksOf(out, packed))).toString()).toBe('now longer than scanned');
  });
});
