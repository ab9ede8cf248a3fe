import { open, stat, unlink, mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { TransientStoreError } from '../ports/store-errors.ts';

/**
 * Per-key exclusive lock for the folder store: a lock file created with O_EXCL, so it also works between
 * processes (and on network shares that honour O_EXCL). A lock older than `staleMs` belongs to a
 * crashed writer and is broken; a writer holds one only for a check and a rename, so this is generous.
 */
export class FsKeyLock {
  constructor(
    private readonly dir: string,
    private readonly staleMs = 30_000,
    private readonly waitMs = 60_000,
  ) {}

  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const path = join(this.dir, createHash('sha256').update(key).digest('hex'));
    await mkdir(this.dir, { recursive: true });
    const began = Date.now();
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      try {
        const fh = await open(path, 'wx', 0o600);
        await fh.writeFile(`${process.pid}\n`);
        await fh.close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const st = await stat(path).catch(() => null);
      if (st && Date.now() - st.mtimeMs > this.staleMs) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      if (Date.now() - began > this.waitMs) throw new TransientStoreError(`lock for ${key} is busy (${path})`);
      await new Promise((r) => setTimeout(r, delay));
    }
    try {
      return await fn();
    } finally {
      await unlink(path).catch(() => undefined);
    }
  }
}
