// What a 1 MiB edit costs under each chunking parameter set (docs/CDC.md §Parameters): for N random
// chunking secrets (N vaults), cut a random buffer, overwrite 1 MiB in its middle, cut it again, and
// count the bytes of the chunks whose keyed ids the first version did not have (what a sync would store).
// Prints mean, p90 and max MiB, and how many vaults went over 4 MiB, for the legacy and the V2 parameters.
// Runs the compiled modules (not part of bench/run.mjs):
//   npx tsc -p tsconfig.json && node bench/cdc-edit-sim.mjs [secrets, default 60] [MiB per buffer, default 64]
import { randomBytes } from 'node:crypto';

const dist = new URL('../dist/src-main/engine/chunking/', import.meta.url);
const { FastCdc, LEGACY_CDC_PARAMS, CDC_PARAMS_V2 } = await import(new URL('fastcdc.js', dist).href);
const { chunkId, chunkKeys } = await import(new URL('chunk-keys.js', dist).href);

const MiB = 1024 * 1024;
const secrets = Number(process.argv[2] ?? 60);
const size = Number(process.argv[3] ?? 64) * MiB;
const BUDGET = 4 * MiB;

/** The keyed ids and lengths of `data`'s chunks. */
function chunks(data, keys, params) {
  const cdc = new FastCdc(keys.gear, params);
  const lengths = cdc.push(data);
  const tail = cdc.finish();
  if (tail !== null) lengths.push(tail);
  let at = 0;
  return lengths.map((n) => ({ id: chunkId(keys.idKey, data.subarray(at, (at += n))), length: n }));
}

/** Bytes of the edited version's chunks that the first version lacks. */
function editCost(data, keys, params) {
  const before = new Set(chunks(data, keys, params).map((c) => c.id));
  const edited = Buffer.from(data);
  randomBytes(MiB).copy(edited, Math.floor(size / 2));
  return chunks(edited, keys, params).filter((c) => !before.has(c.id)).reduce((n, c) => n + c.length, 0);
}

const sets = { legacy: LEGACY_CDC_PARAMS, v2: CDC_PARAMS_V2 };
const costs = { legacy: [], v2: [] };
for (let i = 0; i < secrets; i++) {
  // A new vault: a new secret and new content; both parameter sets see the same ones.
  const keys = chunkKeys(randomBytes(32));
  const data = randomBytes(size);
  for (const [name, params] of Object.entries(sets)) costs[name].push(editCost(data, keys, params));
  process.stderr.write(`\r${i + 1}/${secrets}`);
}
process.stderr.write('\n');

const mib = (n) => (n / MiB).toFixed(2);
console.log(`1 MiB overwritten in the middle of ${size / MiB} MiB, ${secrets} random secrets: MiB of new chunks`);
for (const [name, params] of Object.entries(sets)) {
  const sorted = [...costs[name]].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)];
  const over = sorted.filter((n) => n > BUDGET).length;
  const label = `${name} (min ${params.min / 1024} KiB, avg ${params.avg / 1024} KiB, max ${params.max / MiB} MiB, NC ${params.normalisation})`;
  console.log(`${label}: mean ${mib(mean)}, p90 ${mib(p90)}, max ${mib(sorted.at(-1))}, over 4 MiB ${over}/${sorted.length}`);
}
