// Writes the content-defined chunking vectors (docs/CDC.md §Vectors), ONCE: the legacy parameters' into
// test/vectors/cdc/, the V2 parameters' into test/vectors/cdc-v2/ (same inputs, sized by each max):
//   node --import ./test/support/ts-loader.mjs scripts/make-cdc-vectors.ts
// The cut points are a format, so a committed vector is never regenerated: the script refuses to overwrite
// one. A change to the chunking rule is a new format, with new vector files beside these.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { CDC_PARAMS_V2, FastCdc, LEGACY_CDC_PARAMS, type CdcParams } from '../src-main/engine/chunking/fastcdc.ts';
import { chunkId, chunkKeys } from '../src-main/engine/chunking/chunk-keys.ts';
import { buildInput, type CdcVector, type Segment } from '../test/vectors/cdc-input.ts';

/**
 * Each parameter set's folder. The legacy vectors predate the normalisation field, so their `params`
 * hold min/avg/max only (level 2 implied); the V2 ones record all four.
 */
const SETS: { out: URL; params: CdcParams; recorded: CdcVector['params']; short: number }[] = [
  { out: new URL('../test/vectors/cdc/', import.meta.url), params: LEGACY_CDC_PARAMS, recorded: { min: LEGACY_CDC_PARAMS.min, avg: LEGACY_CDC_PARAMS.avg, max: LEGACY_CDC_PARAMS.max }, short: 200_000 },
  // 'short' must stay under each min (V2: 128 KiB).
  { out: new URL('../test/vectors/cdc-v2/', import.meta.url), params: CDC_PARAMS_V2, recorded: { ...CDC_PARAMS_V2 }, short: 100_000 },
];
/** Not a secret: the bytes 0x00..0x1f. */
const SECRET = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('hex');
const MiB = 1024 * 1024;

const casesFor = (max: number, short: number): { name: string; description: string; input: Segment[] }[] => [
  {
    name: 'short',
    description: 'Shorter than min: the whole input is one (tail) chunk.',
    input: [{ seed: 'coffer-cdc-short', from: 0, length: short }],
  },
  {
    name: 'zeros',
    description: 'All zero bytes: the hash settles on one value that never cuts, so every chunk is max long, then a tail.',
    input: [{ zeros: 3 * max + 12_345 }],
  },
  {
    name: 'random',
    description: '20 MiB of keystream: content-defined cuts between min and max.',
    input: [{ seed: 'coffer-cdc-random', from: 0, length: 20 * MiB }],
  },
  {
    name: 'edit',
    description: "'random' with bytes [10 MiB, 11 MiB) replaced: only the chunks around the edit differ from 'random'.",
    input: [
      { seed: 'coffer-cdc-random', from: 0, length: 10 * MiB },
      { seed: 'coffer-cdc-edit', from: 0, length: 1 * MiB },
      { seed: 'coffer-cdc-random', from: 11 * MiB, length: 9 * MiB },
    ],
  },
];

const keys = chunkKeys(Buffer.from(SECRET, 'hex'));
await mkdir(SETS[1]!.out, { recursive: true });
for (const set of SETS) {
  for (const c of casesFor(set.params.max, set.short)) {
    const file = new URL(`${c.name}.json`, set.out);
    if (existsSync(file)) {
      console.error(`${file.pathname} exists: a committed vector is never regenerated`);
      process.exitCode = 1;
      continue;
    }
    const data = buildInput(c.input);
    const cdc = new FastCdc(keys.gear, set.params);
    const cuts = cdc.push(data);
    const tail = cdc.finish();
    if (tail !== null) cuts.push(tail);
    const ids: string[] = [];
    let at = 0;
    for (const n of cuts) {
      ids.push(chunkId(keys.idKey, data.subarray(at, at + n)));
      at += n;
    }
    const vector: CdcVector = {
      name: c.name,
      description: c.description,
      secret: SECRET,
      params: set.recorded,
      input: c.input,
      cuts,
      ids,
      sha256: createHash('sha256').update(data).digest('hex'),
    };
    await writeFile(file, `${JSON.stringify(vector, null, 2)}\n`);
    console.log(`${file.pathname}: ${data.length} bytes, ${cuts.length} chunks`);
  }
}
