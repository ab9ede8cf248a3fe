import { open, lstat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';

/** The file changed (size, mtime or inode) while we read it: the bytes read may be torn. */
export class FileChangedError extends Error {
  constructor(path: string) {
    super(`${path} changed while it was being read; it will be read again`);
    this.name = 'FileChangedError';
  }
}

function sameVersion(a: Stats, b: Stats): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.ctimeMs === b.ctimeMs;
}

/** Throws FileChangedError unless the path still names the same, unmodified file as `before`. */
export async function assertUnchanged(abs: string, before: Stats): Promise<void> {
  const after = await lstat(abs);
  if (!sameVersion(before, after)) throw new FileChangedError(abs);
}

/** Reads a small file whole and hashes it; refuses a torn read. */
export async function readWhole(abs: string): Promise<{ data: Buffer; hash: string; stat: Stats }> {
  const fh = await open(abs, 'r');
  try {
    const stat = await fh.stat();
    const data = await fh.readFile();
    if (data.length !== stat.size) throw new FileChangedError(abs);
    await assertUnchanged(abs, stat);
    return { data, hash: createHash('sha256').update(data).digest('hex'), stat };
  } finally {
    await fh.close();
  }
}

/** Streams a file through SHA-256; refuses a torn read. */
export async function hashFile(abs: string): Promise<{ hash: string; stat: Stats }> {
  const fh = await open(abs, 'r');
  try {
    const stat = await fh.stat();
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, total);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total !== stat.size) throw new FileChangedError(abs);
    await assertUnchanged(abs, stat);
    return { hash: h.digest('hex'), stat };
  } finally {
    await fh.close();
  }
}

/** Retries a read that met a concurrent writer, a few times, before giving up for this pass. */
export async function withStableRetry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof FileChangedError) || i >= attempts) throw err;
    }
  }
}
