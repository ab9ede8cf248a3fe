import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fsPath } from '../fsx/raw-name.ts';

/** The file changed on every attempt to read it; the caller should retry later (a new hint will come). */
export class FileChangedWhileReadingError extends Error {
  readonly code = 'ECHANGED';
  constructor(readonly path: string, readonly attempts: number) {
    super(`${path}: changed while reading (${attempts} attempts)`);
    this.name = 'FileChangedWhileReadingError';
  }
}

/** What the scan saw as a file is something else now (a folder, a FIFO); the next pass sees it anew. */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
  constructor(readonly path: string) {
    super(`${path}: not a regular file any more`);
    this.name = 'NotRegularFileError';
  }
}

/** An open regular file plus the metadata it had when opened. */
export interface StableFile {
  readonly handle: FileHandle;
  /** fstat at open time. Record this in the index, not a later lstat. */
  readonly stat: Stats;
  /** True when the file still has the size, mtime, ctime and inode it had at open, at the same path. */
  verifyUnchanged(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens a regular file for a read that will be checked afterwards. O_NOFOLLOW refuses a symlink swapped
 * in since the scan; O_NONBLOCK keeps a FIFO swapped in from hanging the open. Anything but a regular
 * file is refused.
 */
export async function openStableFile(absPath: string): Promise<StableFile> {
  const handle = await open(fsPath(absPath), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  let stat: Stats;
  try {
    stat = await handle.stat();
    if (!stat.isFile()) throw new NotRegularFileError(absPath);
  } catch (err) {
    await handle.close();
    throw err;
  }
  const same = (b: Stats): boolean =>
    b.size === stat.size && b.mtimeMs === stat.mtimeMs && b.ctimeMs === stat.ctimeMs && b.ino === stat.ino && b.dev === stat.dev;
  return {
    handle,
    stat,
    async verifyUnchanged() {
      // fstat catches writes to the open file; lstat of the path catches a rename over it.
      if (!same(await handle.stat())) return false;
      try {
        return same(await lstat(fsPath(absPath)));
      } catch {
        return false;
      }
    },
    close: () => handle.close(),
  };
}

export interface StableReadOptions {
  /** Reads attempted before giving up with FileChangedWhileReadingError. Default 3. */
  attempts?: number;
}

/**
 * Runs `consume` over an opened file and keeps its result only if the file did not change meanwhile;
 * otherwise reopens and runs it again. `consume` must read from `file.handle` (from position 0), should
 * read at most `file.stat.size` bytes (so a fast-growing file cannot keep it reading forever), and must
 * not close the handle.
 */
export async function readStable<T>(
  absPath: string,
  consume: (file: StableFile) => Promise<T>,
  opts: StableReadOptions = {},
): Promise<{ value: T; stat: Stats }> {
  const attempts = opts.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
  for (let i = 0; i < attempts; i++) {
    const file = await openStableFile(absPath);
    try {
      const value = await consume(file);
      if (await file.verifyUnchanged()) return { value, stat: file.stat };
    } finally {
      await file.close();
    }
  }
  throw new FileChangedWhileReadingError(absPath, attempts);
}

export interface HashOptions extends StableReadOptions {
  /** Read size. Default 1 MiB (one encryption frame). */
  chunkSize?: number;
  /** Called after each chunk with the bytes read so far in this attempt (progress for large files). */
  onProgress?: (bytesRead: number) => void;
}

/** SHA-256 (hex) of a file's content, guaranteed to be a consistent snapshot of it. */
export async function sha256File(absPath: string, opts: HashOptions = {}): Promise<{ hash: string; size: number; stat: Stats }> {
  const chunkSize = opts.chunkSize ?? 1 << 20;
  const { value, stat } = await readStable(absPath, async (file) => {
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(chunkSize);
    let pos = 0;
    // Bounded by the size at open: a file growing as fast as it is read must not keep the loop going.
    // Growth, like any other change, is caught by verifyUnchanged().
    while (pos < file.stat.size) {
      const { bytesRead } = await file.handle.read(buf, 0, Math.min(chunkSize, file.stat.size - pos), pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
      opts.onProgress?.(pos);
    }
    return { hash: h.digest('hex'), size: pos };
  }, opts);
  return { ...value, stat };
}
