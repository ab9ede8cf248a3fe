import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkFile, NotChunkableError, type ChunkFileOptions } from '../../src-main/engine/chunking/chunk-file.ts';
import { chunkId, chunkKeys } from '../../src-main/engine/chunking/chunk-keys.ts';
import { CutPool } from '../../src-main/engine/chunking/cut-pool.ts';
import { CDC_PARAMS_V2, FastCdc, LEGACY_CDC_PARAMS, type CdcParams } from '../../src-main/engine/chunking/fastcdc.ts';
import { decodeName, encodeName } from '../../src-main/engine/fsx/raw-name.ts';
import { keystream } from '../vectors/cdc-input.ts';

const keys = chunkKeys(Buffer.alloc(32, 0x33));
const MiB = 1024 * 1024;
let dir: string;
let pool: CutPool;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-chunk-file-'));
  pool = new CutPool({ threads: 2 });
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

/** What a chunked file gave. The bytes are kept as their hash: toEqual on tens of MiB of Buffer crawls. */
interface Read { offsets: number[]; lengths: number[]; ids: string[]; bytesHash: string; sha256: string; size: number }

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(path: string, opts: ChunkFileOptions = {}, params: CdcParams = CDC_PARAMS_V2): Promise<Read> {
  const file = chunkFile(path, keys, params, opts);
  const r: Omit<Read, 'sha256' | 'size' | 'bytesHash'> = { offsets: [], lengths: [], ids: [] };
  const bytes = createHash('sha256');
  for await (const c of file.chunks) {
    r.offsets.push(c.offset);
    r.lengths.push(c.data.length);
    r.ids.push(c.id);
    bytes.update(c.data);
  }
  return { ...r, bytesHash: bytes.digest('hex'), sha256: file.sha256(), size: file.size() };
}

/** What FastCdc finds over the whole buffer at once. */
function expectedLengths(data: Buffer, params: CdcParams): number[] {
  const cdc = new FastCdc(keys.gear, params);
  const cuts = cdc.push(data);
  const tail = cdc.finish();
  return tail === null ? cuts : [...cuts, tail];
}

describe('chunkFile', () => {
  it('yields nothing for an empty file, with the empty SHA-256', async () => {
    const path = join(dir, 'empty');
    await writeFile(path, '');
    const r = await readAll(path);
    expect(r.ids).toEqual([]);
    expect(r.size).toBe(0);
    expect(r.sha256).toBe(createHash('sha256').digest('hex'));
  });

  it.each([['legacy', LEGACY_CDC_PARAMS], ['V2', CDC_PARAMS_V2]] as const)('yields the cutter\'s chunks in order, named by chunkId, with the whole file\'s SHA-256, whatever the window (%s params)', async (_, params) => {
    const content = keystream('chunk-file windows', 0, 21 * MiB + 77);
    const path = join(dir, 'windows');
    await writeFile(path, content);
    const lengths = expectedLengths(content, params);
    for (const windowSize of [params.max, params.max + 12_345, 32 * MiB]) {
      const r = await readAll(path, { windowSize }, params);
      expect(r.lengths, `window ${windowSize}`).toEqual(lengths);
      expect(r.bytesHash).toBe(sha256(content));
      expect(r.offsets).toEqual(lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0)));
      let at = 0;
      expect(r.ids).toEqual(lengths.map((n) => chunkId(keys.idKey, content.subarray(at, (at += n)))));
      expect(r.sha256).toBe(sha256(content));
      expect(r.size).toBe(content.length);
    }
  });

  it('gives the same chunks and SHA-256 on the worker pool as in-process', async () => {
    const content = keystream('chunk-file pool', 0, 40 * MiB + 3);
    const path = join(dir, 'pool');
    await writeFile(path, content);
    expect(await pool.threaded()).toBe(true);
    const inProcess = await readAll(path);
    expect(inProcess.ids.length).toBeGreaterThan(20);
    expect(await readAll(path, { pool, windowSize: 9 * MiB })).toEqual(inProcess);
    // Two files at once share the pool.
    const [a, b] = await Promise.all([readAll(path, { pool }), readAll(path, { pool })]);
    expect(a).toEqual(inProcess);
    expect(b).toEqual(inProcess);
  });

  it('cuts in-process while the threads start, then hands windows to them, with the same chunks', async () => {
    const fresh = new CutPool({ threads: 2 });
    const path = join(dir, 'bridged');
    await writeFile(path, keystream('chunk-file bridged', 0, 13 * MiB + 5));
    try {
      const inProcess = await readAll(path);
      // The first window cannot find the threads up yet: it runs here rather than wait for them.
      expect(await readAll(path, { pool: fresh })).toEqual(inProcess);
      expect(fresh.counts).toEqual({ inProcess: 1, threaded: 0 });
      expect(await fresh.threaded()).toBe(true);
      expect(await readAll(path, { pool: fresh, windowSize: 4 * MiB })).toEqual(inProcess);
      expect(fresh.counts.inProcess).toBe(1);
      expect(fresh.counts.threaded).toBeGreaterThanOrEqual(3);
    } finally {
      await fresh.close();
    }
  });

  it('falls back to in-process, with the same chunks, when the worker cannot load', async () => {
    const broken = new CutPool({ workerUrl: new URL('./no-such-worker.js', import.meta.url) });
    const path = join(dir, 'fallback');
    await writeFile(path, keystream('chunk-file fallback', 0, 3 * MiB));
    try {
      expect(await broken.threaded()).toBe(false);
      expect(await readAll(path, { pool: broken })).toEqual(await readAll(path));
    } finally {
      await broken.close();
    }
  });

  it('reads a file whose name is not UTF-8, in-process and on the pool', async () => {
    const raw = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.bin')]);
    const content = keystream('chunk-file raw name', 0, 2 * MiB);
    await writeFile(raw, content);
    const path = decodeName(raw);
    expect(encodeName(path).equals(raw)).toBe(true);
    const r = await readAll(path);
    expect(r.bytesHash).toBe(sha256(content));
    expect(await readAll(path, { pool })).toEqual(r);
  });

  it('has no SHA-256 or size until the chunks were read to the end', async () => {
    const path = join(dir, 'early');
    await writeFile(path, keystream('chunk-file early', 0, 5 * MiB));
    const file = chunkFile(path, keys, CDC_PARAMS_V2);
    expect(() => file.sha256()).toThrow(/not iterated to the end/);
    for await (const _ of file.chunks) break;
    expect(() => file.size()).toThrow(/not iterated to the end/);
  });

  it('refuses a folder and a symlink', async () => {
    await mkdir(join(dir, 'folder'));
    await expect(readAll(join(dir, 'folder'))).rejects.toThrow(NotChunkableError);
    await writeFile(join(dir, 'target'), 'x');
    await symlink(join(dir, 'target'), join(dir, 'link'));
    await expect(readAll(join(dir, 'link'))).rejects.toMatchObject({ code: 'ELOOP' });
  });
});
