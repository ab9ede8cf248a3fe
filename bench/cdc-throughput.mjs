// Chunking throughput (MB/s) on this machine: FastCdc alone, chunkFile in-process, and chunkFile on the
// worker pool (one file, and as many files at once as the pool has threads). Runs the compiled module:
//   npm run build && node bench/cdc-throughput.mjs [MiB per file, default 256]
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = new URL('../dist/src-main/engine/chunking/', import.meta.url);
const { FastCdc, CDC_PARAMS_V2 } = await import(new URL('fastcdc.js', dist).href);
const { chunkKeys } = await import(new URL('chunk-keys.js', dist).href);
const { chunkFile } = await import(new URL('chunk-file.js', dist).href);
const { CutPool } = await import(new URL('cut-pool.js', dist).href);

const mib = Number(process.argv[2] ?? 256);
const keys = chunkKeys(randomBytes(32));
// A new vault's parameters (the legacy ones cut at the same speed: the same loop, other masks).
const params = CDC_PARAMS_V2;
const dir = await mkdtemp(join(tmpdir(), 'coffer-cdc-bench-'));
const threads = availableParallelism();
const files = Array.from({ length: threads }, (_, i) => join(dir, `f${i}`));
for (const f of files) await writeFile(f, randomBytes(mib * 1024 * 1024));
const rate = (bytes, ms) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;

async function drain(path, opts) {
  const file = chunkFile(path, keys, params, opts);
  let n = 0;
  for await (const _ of file.chunks) n++;
  return n;
}

try {
  const data = randomBytes(mib * 1024 * 1024);
  let t = performance.now();
  new FastCdc(keys.gear, params).push(data);
  console.log(`FastCdc.push (cut points only): ${rate(data.length, performance.now() - t)}`);
  t = performance.now();
  await drain(files[0], {});
  console.log(`chunkFile in-process (read + cut + HMAC + SHA-256): ${rate(data.length, performance.now() - t)}`);
  const pool = new CutPool();
  console.log(`pool threaded: ${await pool.threaded()} (${threads} threads)`);
  t = performance.now();
  await drain(files[0], { pool });
  console.log(`chunkFile on the pool, one file: ${rate(data.length, performance.now() - t)}`);
  t = performance.now();
  await Promise.all(files.map((f) => drain(f, { pool })));
  console.log(`chunkFile on the pool, ${threads} files at once: ${rate(data.length * threads, performance.now() - t)}`);
  await pool.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
