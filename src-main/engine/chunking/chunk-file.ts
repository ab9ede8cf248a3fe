/**
 * A file as its content-defined chunks (docs/CDC.md), each named by its keyed id, plus the whole file's
 * SHA-256.
 *
 * The file is read in windows (cut-window.ts) of `windowSize` bytes, one at a time and one ahead: while
 * the caller consumes window k, window k+1 is being read and cut (on a worker when a CutPool is given).
 * Memory stays at about two windows per file, whatever its size.
 *
 * The whole-file SHA-256 is a single sequential hash over windows that different threads read, so it is
 * computed here on the caller's thread, as chunks are handed out (native code, a few GB/s).
 *
 * The size is taken when the file is opened and never read past; a file that changes while it is read
 * yields an inconsistent set of chunks, so the caller checks it is unchanged afterwards (as
 * scan/stable-read.ts's readStable does) and reads it again otherwise.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fsPath } from '../fsx/raw-name.ts';
import type { ChunkKeys } from './chunk-keys.ts';
import { cutWindow, type CutWindow, type KnownCut, type WindowTask } from './cut-window.ts';
import type { CutPool } from './cut-pool.ts';
import type { CdcParams } from './fastcdc.ts';

export interface FileChunk {
  /** Where the chunk starts in the file. */
  readonly offset: number;
  /** The chunk's bytes: a view into its window's buffer (copy it to keep it past the window). */
  readonly data: Buffer;
  /** chunkId(): HMAC-SHA256 hex of `data` under the vault's id key. */
  readonly id: string;
}

export interface ChunkedFile {
  /** Every chunk in file order; an empty file has none. Iterate once. */
  readonly chunks: AsyncIterable<FileChunk>;
  /** SHA-256 hex of all bytes chunked. Throws until `chunks` has been iterated to the end. */
  sha256(): string;
  /** Bytes chunked. Throws until `chunks` has been iterated to the end. */
  size(): number;
}

export interface ChunkFileOptions {
  /** Runs the windows on worker threads. Without it they run in-process (same chunks). */
  pool?: CutPool;
  /** Bytes per window. Default 32 MiB; at least the params' max. */
  windowSize?: number;
  /** The previous version's chunks that ended at a cut, in file order (cut-window.ts KnownCut). */
  known?: readonly KnownCut[];
}

const DEFAULT_WINDOW = 32 * 1024 * 1024;

/** Not a regular file (a folder, a FIFO, a device): there is nothing to chunk. */
export class NotChunkableError extends Error {
  readonly code = 'ENOTREG';
  constructor(readonly path: string) {
    super(`${path}: not a regular file`);
    this.name = 'NotChunkableError';
  }
}

/**
 * The chunks of the file at `abs` (the engine's string form of a path, fsx/raw-name.ts), cut with the
 * vault's `params` and named with its `keys`.
 */
export function chunkFile(abs: string, keys: ChunkKeys, params: CdcParams, opts: ChunkFileOptions = {}): ChunkedFile {
  const hash = createHash('sha256');
  let digest: { sha256: string; size: number } | null = null;
  const done = () => {
    if (!digest) throw new Error(`${abs}: chunks not iterated to the end yet`);
    return digest;
  };
  async function* chunks(): AsyncGenerator<FileChunk> {
    const limit = await regularFileSize(abs);
    const windowSize = opts.windowSize ?? DEFAULT_WINDOW;
    // Every window gets the whole list: an insertion or a deletion before it moves where they are.
    const known = opts.known?.length ? { known: opts.known } : {};
    const run = (start: number, shift: number): Promise<CutWindow> => {
      const task: WindowTask = { path: abs, start, limit, windowSize, params, gear: keys.gear, idKey: keys.idKey, ...known, shift };
      return opts.pool ? opts.pool.cut(task) : cutWindow(task);
    };
    let size = 0;
    let next: Promise<CutWindow> | null = run(0, 0);
    while (next) {
      const window: CutWindow = await next;
      // Ask for the following window before handing this one out: reading overlaps consuming.
      next = window.last ? null : run(window.next, window.shift);
      // A window abandoned mid-way must not leave its successor's rejection unhandled.
      next?.catch(() => undefined);
      for (const c of window.chunks) {
        const data = Buffer.from(window.buffer, c.offset - window.start, c.length);
        hash.update(data);
        size += c.length;
        yield { offset: c.offset, data, id: c.id };
      }
    }
    digest = { sha256: hash.digest('hex'), size };
  }
  return { chunks: chunks(), sha256: () => done().sha256, size: () => done().size };
}

/** The file's size at open; refuses anything but a regular file, and a symlink (O_NOFOLLOW). */
async function regularFileSize(abs: string): Promise<number> {
  const handle = await open(fsPath(abs), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new NotChunkableError(abs);
    return stat.size;
  } finally {
    await handle.close();
  }
}
