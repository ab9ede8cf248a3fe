import { open, readFile, rename, mkdir, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AtomicWriteOptions {
  mode?: number;
  /**
   * false: temp file and rename only, no fsync. For caches whose files carry their own check (a torn or
   * emptied file fails it and is rebuilt), so a write need not wait for the disk. Default true.
   */
  durable?: boolean;
}

/**
 * Writes a file so that a crash leaves either the old content or the new, never a mix:
 * temp file in the same folder, fsync, rename, then fsync the folder so the rename itself is durable.
 * `data` may come in parts, written one after the other (a header and a large body, without joining them
 * into one more copy).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly (string | Uint8Array)[],
  { mode = 0o600, durable = true }: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w', mode);
    try {
      for (const part of Array.isArray(data) ? data : [data]) await fh.writeFile(part);
      if (durable) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  if (durable) await fsyncDir(dir);
}

export async function fsyncDir(dir: string | Buffer): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Reads and validates a versioned JSON document; returns null when the file does not exist. */
export async function readJsonFile<T>(path: string, parse: (raw: unknown) => T): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return parse(JSON.parse(text));
}
