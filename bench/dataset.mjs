// The bench dataset: deterministic (seeded), incompressible, a mix of many small files, tens of medium
// files and two large ones, so per-file and per-byte costs both show. Same seed + scale = same bytes.
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, open, writeFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const KiB = 1024;
const MiB = 1024 * KiB;

/** mulberry32: a tiny seeded PRNG for sizes and picks (content comes from AES-CTR below). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-uniform between lo and hi: many small, fewer big, like real folders. */
const logUniform = (rnd, lo, hi) => Math.round(Math.exp(Math.log(lo) + rnd() * (Math.log(hi) - Math.log(lo))));

/** Deterministic incompressible bytes: AES-256-CTR keystream keyed by the seed and a label. */
export function keystream(label) {
  const key = createHash('sha256').update(`coffer-bench:${label}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(8 * MiB);
  return (n) => {
    const parts = [];
    for (let left = n; left > 0; left -= zeros.length) parts.push(cipher.update(zeros.subarray(0, Math.min(left, zeros.length))));
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  };
}

/**
 * The file plan for a scale (1 = the issue's ~650 MB mix: 5,000 small files of 1-64 KiB, 40 medium of
 * 1-8 MiB, 2 large of ~220 MB). Smaller scales shrink counts and large sizes alike.
 */
export function planDataset({ scale = 1, seed = 42 } = {}) {
  const rnd = prng(seed);
  const files = [];
  const nSmall = Math.max(10, Math.round(5000 * scale));
  for (let i = 0; i < nSmall; i++) {
    files.push({ path: `small/d${String(i % 50).padStart(2, '0')}/f${i}.bin`, size: logUniform(rnd, 1 * KiB, 64 * KiB), kind: 'small' });
  }
  const nMedium = Math.max(2, Math.round(40 * scale));
  for (let i = 0; i < nMedium; i++) files.push({ path: `medium/m${i}.bin`, size: logUniform(rnd, 1 * MiB, 8 * MiB), kind: 'medium' });
  const large = Math.round(232e6 * scale); // with l1 at 92 %: ~650 MB in all at scale 1
  files.push({ path: 'large/l0.bin', size: large, kind: 'large' });
  files.push({ path: 'large/l1.bin', size: Math.round(large * 0.92), kind: 'large' });
  return files;
}

/** Writes the planned files under dir; returns total bytes. */
export async function writeDataset(dir, files, seed = 42) {
  let total = 0;
  for (const f of files) {
    const abs = join(dir, f.path);
    await mkdir(join(abs, '..'), { recursive: true });
    const bytes = keystream(`${seed}:${f.path}`);
    if (f.size <= 16 * MiB) await writeFile(abs, bytes(f.size));
    else await writeBig(abs, f.size, bytes);
    total += f.size;
  }
  return total;
}

async function writeBig(abs, size, bytes) {
  const fh = await open(abs, 'w');
  try {
    for (let done = 0; done < size; ) {
      const chunk = bytes(Math.min(8 * MiB, size - done));
      await fh.write(chunk);
      done += chunk.length;
    }
  } finally {
    await fh.close();
  }
}

/**
 * The small-change case: rewrite 10 small files (half the same size, half 1 KiB longer) and append
 * 1 MiB to one medium file. `round` picks different files each time. Returns the bytes written.
 */
export async function applySmallChange(dir, files, round, seed = 42) {
  const rnd = prng(seed * 1000 + round);
  const smalls = files.filter((f) => f.kind === 'small');
  const mediums = files.filter((f) => f.kind === 'medium');
  const picked = new Set();
  while (picked.size < Math.min(10, smalls.length)) picked.add(smalls[Math.floor(rnd() * smalls.length)]);
  let written = 0;
  let i = 0;
  for (const f of picked) {
    const size = i++ % 2 === 0 ? f.size : f.size + KiB;
    await writeFile(join(dir, f.path), keystream(`${seed}:${f.path}:round${round}`)(size));
    written += size;
  }
  const m = mediums[Math.floor(rnd() * mediums.length)];
  const fh = await open(join(dir, m.path), 'a');
  try {
    await fh.write(keystream(`${seed}:${m.path}:append${round}`)(MiB));
  } finally {
    await fh.close();
  }
  return written + MiB;
}

/** Total bytes and file count under dir (what a cold pass has to read). */
export async function measureTree(dir) {
  let bytes = 0;
  let count = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    bytes += (await stat(join(e.parentPath ?? e.path, e.name))).size;
    count++;
  }
  return { bytes, count };
}
