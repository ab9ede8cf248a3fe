// The folder one kill point syncs: deterministic from a seed, sized so that a pass has every phase a kill
// can land in: many small files (packs), files of 1-8 MB (single create-only PUTs, where a lost response
// used to wedge a vault) and one file above 64 MiB (a multipart range and a second range).
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

const MiB = 1024 * 1024;

/** A seeded generator: uniform floats in [0, 1) and bytes, the same sequence for the same seed. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

/** `size` pseudo-random bytes from `label`: an AES-CTR key stream, fast enough for tens of MiB. */
export function bytesFor(label: string, size: number): Buffer {
  const key = createHash('sha256').update(label).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

export interface DatasetShape {
  smallFiles: number;
  mediumFiles: number;
  largeBytes: number;
}

export const DEFAULT_SHAPE: DatasetShape = { smallFiles: 40, mediumFiles: 3, largeBytes: 66 * MiB };

export async function writeDataset(folder: string, seed: number, shape: DatasetShape = DEFAULT_SHAPE): Promise<void> {
  const rnd = new SeededRandom(seed);
  await mkdir(join(folder, 'notes'), { recursive: true });
  await mkdir(join(folder, 'media'), { recursive: true });
  await mkdir(join(folder, 'big'), { recursive: true });
  for (let i = 0; i < shape.smallFiles; i++) await writeFile(join(folder, 'notes', `n-${i}.txt`), bytesFor(`${seed}/n/${i}`, rnd.int(100, 48 * 1024)));
  for (let i = 0; i < shape.mediumFiles; i++) await writeFile(join(folder, 'media', `m-${i}.bin`), bytesFor(`${seed}/m/${i}`, rnd.int(1 * MiB, 8 * MiB)));
  if (shape.largeBytes > 0) await writeFile(join(folder, 'big', 'large.bin'), bytesFor(`${seed}/large`, shape.largeBytes));
}

/**
 * What a user does between a crash and the restart: edits the start of the large file (so a resumed
 * multipart upload of its old content must not be used), edits a small file and adds one.
 */
export async function changeBetweenKillAndResume(folder: string, seed: number): Promise<void> {
  const large = join(folder, 'big', 'large.bin');
  const fh = await open(large, 'r+').catch(() => null);
  if (fh) {
    try {
      await fh.write(bytesFor(`${seed}/edit`, MiB), 0, MiB, 0);
    } finally {
      await fh.close();
    }
  }
  await writeFile(join(folder, 'notes', 'n-0.txt'), bytesFor(`${seed}/n0-edit`, 3000));
  await writeFile(join(folder, 'notes', 'added-after-crash.txt'), 'written while Coffer was down\n');
}

/** Relative path → SHA-256 of every regular file under `dir`. */
export async function fileHashes(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.set(relative(dir, p), createHash('sha256').update(await readFile(p)).digest('hex'));
    }
  };
  await walk(dir);
  return out;
}
