import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkFile, type ChunkFileOptions } from '../../src-main/engine/chunking/chunk-file.ts';
import { chunkKeys } from '../../src-main/engine/chunking/chunk-keys.ts';
import { CutPool } from '../../src-main/engine/chunking/cut-pool.ts';
import { CDC_PARAMS_V2, LEGACY_CDC_PARAMS, type CdcParams } from '../../src-main/engine/chunking/fastcdc.ts';
import type { KnownCut } from '../../src-main/engine/chunking/cut-window.ts';
import { knownCuts } from '../../src-main/engine/sync/chunked-upload.ts';
import type { Chunk } from '../../src-main/engine/manifest/schema.ts';
import { seededBytes } from '../support/seeded-bytes.ts';

// Taking the previous version's chunks where their bytes still match (cut-window.ts KnownCut) is only
// a shortcut: the chunks must be exactly those a full FastCDC pass gives, whatever the edit.
const keys = chunkKeys(Buffer.alloc(32, 0x5a));
const MiB = 1024 * 1024;
const WINDOW = 8 * MiB; // the smallest window allowed: files of a few dozen MiB cross several
let dir: string;
let pool: CutPool;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-known-cuts-'));
  pool = new CutPool({ threads: 2 });
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

interface Cut { offset: number; length: number; id: string }

async function cuts(name: string, bytes: Buffer, opts: ChunkFileOptions = {}, params: CdcParams = CDC_PARAMS_V2): Promise<{ cuts: Cut[]; sha256: string }> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  const file = chunkFile(path, keys, params, { windowSize: WINDOW, ...opts });
  const out: Cut[] = [];
  for await (const c of file.chunks) out.push({ offset: c.offset, length: c.data.length, id: c.id });
  return { cuts: out, sha256: file.sha256() };
}

/** The manifest's records of a chunked version, as a pass writes them. */
const asChunks = (list: Cut[]): Chunk[] => list.map((c) => ({ object: `o${c.offset}`, kind: 'data', offset: 0, length: c.length, id: c.id }));

const base = seededBytes('known-cuts-base', 40 * MiB);
const edits: [string, (b: Buffer) => Buffer][] = [
  ['1 byte appended', (b) => Buffer.concat([b, Buffer.from([7])])],
  ['1 MiB appended', (b) => Buffer.concat([b, seededBytes('tail', MiB)])],
  ['1 MiB overwritten in the middle', (b) => Buffer.concat([b.subarray(0, 20 * MiB), seededBytes('mid', MiB), b.subarray(21 * MiB)])],
  ['100 bytes inserted near the start', (b) => Buffer.concat([b.subarray(0, 300_000), seededBytes('ins', 100), b.subarray(300_000)])],
  ['cut to 30 MiB', (b) => b.subarray(0, 30 * MiB)],
  ['unchanged', (b) => b],
];

// Both parameter sets: a known chunk may be as long as the window (legacy max = 8 MiB = WINDOW).
const paramSets = [['legacy', LEGACY_CDC_PARAMS], ['V2', CDC_PARAMS_V2]] as const;
const cases = paramSets.flatMap(([label, params]) => edits.map(([name, edit]) => [`${name} (${label} params)`, edit, params] as const));

describe('chunking with the previous version known', () => {
  it.each(cases)('gives exactly the chunks of a full pass: %s', async (_, edit, params) => {
    const before = await cuts('before', base, {}, params);
    const known = knownCuts(asChunks(before.cuts));
    const next = edit(base);
    const full = await cuts('full', next, {}, params);
    const quick = await cuts('quick', next, { known, pool }, params);
    expect(quick).toEqual(full);
    const inProcess = await cuts('in-process', next, { known }, params);
    expect(inProcess).toEqual(full);
    // The shortcut was open to it: some chunks of the new version are old ones (moved, after an insertion).
    const kept = full.cuts.filter((c) => known.some((k) => k.id === c.id));
    expect(kept.length).toBeGreaterThan(0);
  });

  it('ignores known chunks whose bytes no longer match (a wrong id, a wrong length)', async () => {
    const full = await cuts('full', base);
    const bogus: KnownCut[] = full.cuts.slice(0, -1).map((c, i) => (i % 2 ? { ...c, id: '0'.repeat(64) } : { ...c, length: c.length + 1 }));
    expect(await cuts('bogus', base, { known: bogus })).toEqual(full);
  });

  it('takes none from lists that did not end at cuts', () => {
    const cdc: Chunk[] = [
      { object: 'a', kind: 'data', offset: 0, length: 5, id: 'x'.repeat(64) },
      { object: 'b', kind: 'data', offset: 0, length: 7, id: 'y'.repeat(64) },
      { object: 'c', kind: 'data', offset: 0, length: 3, id: 'z'.repeat(64) },
    ];
    // The last chunk ended where the file ended: never a known cut.
    expect(knownCuts(cdc)).toEqual([{ offset: 0, length: 5, id: 'x'.repeat(64) }, { offset: 5, length: 7, id: 'y'.repeat(64) }]);
    expect(knownCuts(cdc.slice(0, 1))).toEqual([]);
    expect(knownCuts(undefined)).toEqual([]);
    // 64 MiB ranges (formats 1 and 2) have no ids; a packed file is a range of a pack.
    expect(knownCuts([{ object: 'r', kind: 'data', offset: 0, length: 64 * MiB }, { object: 's', kind: 'data', offset: 0, length: 3 }])).toEqual([]);
    expect(knownCuts([{ object: 'p', kind: 'pack', offset: 10, length: 5 }, cdc[1]!])).toEqual([]);
  });
});
