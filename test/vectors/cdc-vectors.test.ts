// The frozen CDC vectors (written once by scripts/make-cdc-vectors.ts; docs/CDC.md §Vectors): the legacy
// parameters' in test/vectors/cdc/, the V2 parameters' in test/vectors/cdc-v2/. The module must still cut,
// name and hash every input exactly as recorded, in-process and on the worker pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkFile, type ChunkFileOptions } from '../../src-main/engine/chunking/chunk-file.ts';
import { chunkKeys } from '../../src-main/engine/chunking/chunk-keys.ts';
import { CutPool } from '../../src-main/engine/chunking/cut-pool.ts';
import { CDC_PARAMS_V2, LEGACY_CDC_PARAMS, type CdcParams } from '../../src-main/engine/chunking/fastcdc.ts';
import { buildInput, type CdcVector } from './cdc-input.ts';

const NAMES = ['short', 'zeros', 'random', 'edit'];
/** Each folder, the parameters it was cut with, and how its files record them (the legacy ones without normalisation). */
const SETS = [
  { folder: 'cdc', params: LEGACY_CDC_PARAMS, recorded: { min: LEGACY_CDC_PARAMS.min, avg: LEGACY_CDC_PARAMS.avg, max: LEGACY_CDC_PARAMS.max } },
  { folder: 'cdc-v2', params: CDC_PARAMS_V2, recorded: { ...CDC_PARAMS_V2 } },
] as const;
const vectorIn = (folder: string, name: string): CdcVector => JSON.parse(readFileSync(new URL(`./${folder}/${name}.json`, import.meta.url), 'utf8'));
let dir: string;
let pool: CutPool;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-cdc-vectors-'));
  pool = new CutPool({ threads: 2 });
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

async function chunked(v: CdcVector, params: CdcParams, opts: ChunkFileOptions) {
  const path = join(dir, v.name);
  await writeFile(path, buildInput(v.input));
  const file = chunkFile(path, chunkKeys(Buffer.from(v.secret, 'hex')), params, opts);
  const cuts: number[] = [];
  const ids: string[] = [];
  for await (const c of file.chunks) {
    cuts.push(c.data.length);
    ids.push(c.id);
  }
  return { cuts, ids, sha256: file.sha256() };
}

describe.each(SETS)('CDC vectors in $folder', ({ folder, params, recorded }) => {
  const vector = (name: string) => vectorIn(folder, name);
  for (const name of NAMES) {
    it(`${name}: the recorded cuts, ids and SHA-256, in-process and on the pool`, async () => {
      const v = vector(name);
      expect(v.params).toEqual(recorded);
      const expected = { cuts: v.cuts, ids: v.ids, sha256: v.sha256 };
      expect(await chunked(v, params, {})).toEqual(expected);
      expect(await pool.threaded()).toBe(true);
      expect(await chunked(v, params, { pool })).toEqual(expected);
    });
  }

  it('short is one chunk; zeros are max-size chunks and a tail', () => {
    const short = vector('short');
    const length = short.input.reduce((n, seg) => n + ('zeros' in seg ? seg.zeros : seg.length), 0);
    expect(length).toBeLessThan(params.min);
    expect(short.cuts).toEqual([length]);
    expect(vector('zeros').cuts).toEqual([params.max, params.max, params.max, 12_345]);
  });

  it('edit: only the chunks around the edited MiB change; all others keep their ids', () => {
    const base = vector('random');
    const edit = vector('edit');
    const editStart = 10 * 1024 * 1024;
    const editEnd = 11 * 1024 * 1024;
    const baseIds = new Set(base.ids);
    let at = 0;
    const changed: { from: number; to: number }[] = [];
    edit.cuts.forEach((n, i) => {
      if (!baseIds.has(edit.ids[i]!)) changed.push({ from: at, to: at + n });
      at += n;
    });
    // Every new chunk overlaps the edit or follows it within one max chunk (where the cuts re-align).
    expect(changed.length).toBeGreaterThan(0);
    for (const c of changed) {
      expect(c.to).toBeGreaterThan(editStart);
      expect(c.from).toBeLessThan(editEnd + params.max);
    }
    // The chunks wholly before the edit and those after the re-alignment are shared with 'random'.
    const shared = edit.ids.filter((id) => baseIds.has(id)).length;
    expect(shared).toBe(edit.ids.length - changed.length);
    expect(shared).toBeGreaterThanOrEqual(base.ids.length - 3);
  });
});

it('the two sets cut the same input differently, with the same secret', () => {
  expect(vectorIn('cdc-v2', 'random').sha256).toBe(vectorIn('cdc', 'random').sha256);
  expect(vectorIn('cdc-v2', 'random').cuts).not.toEqual(vectorIn('cdc', 'random').cuts);
  expect(Math.max(...vectorIn('cdc-v2', 'random').cuts)).toBeLessThanOrEqual(CDC_PARAMS_V2.max);
});
