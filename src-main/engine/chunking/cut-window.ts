/**
 * One window of a file: read up to `windowSize` bytes from a cut point, find the chunks that end inside
 * it, and name them. The worker thread and the in-process path run this same function, so the two give
 * the same chunks by construction.
 *
 * A window starts at a cut, where FastCDC's state is reset (position 0, hash 0), so a fresh cutter there
 * finds exactly the cuts a cutter over the whole file would. The chunk still open at the end of a window
 * is dropped and read again by the next window, which starts at the window's last cut.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { fsPath } from '../fsx/raw-name.ts';
import { chunkId } from './chunk-keys.ts';
import { CDC_PARAMS, FastCdc } from './fastcdc.ts';

export interface WindowTask {
  /** The file, in the engine's string form (names that are not UTF-8 as escaped bytes, fsx/raw-name.ts). */
  readonly path: string;
  /** A cut point: 0 or where the previous window's last chunk ended. */
  readonly start: number;
  /** Where the file ends for this read: its size when it was opened (a growing file is not followed). */
  readonly limit: number;
  /** Bytes read at most; at least CDC_PARAMS.max, so every window but the last holds a cut. */
  readonly windowSize: number;
  readonly gear: Uint32Array;
  readonly idKey: Uint8Array;
}

export interface WindowChunk {
  /** Offset in the file. The chunk's bytes are at `offset - start` in the window's buffer. */
  readonly offset: number;
  readonly length: number;
  /** chunkId(): HMAC-SHA256 hex under the id key. */
  readonly id: string;
}

export interface CutWindow {
  readonly start: number;
  /** The bytes read, owned by this result (a worker transfers it, never copies). */
  readonly buffer: ArrayBuffer;
  readonly chunks: WindowChunk[];
  /** Where the next window starts; equal to `limit` (or less, if the file shrank) when the file is done. */
  readonly next: number;
  /** True when this window reached the end of the file: `chunks` ends with the tail. */
  readonly last: boolean;
}

/** Reads and cuts one window of the file at `task.path`. */
export async function cutWindow(task: WindowTask): Promise<CutWindow> {
  if (task.windowSize < CDC_PARAMS.max) throw new RangeError(`windowSize must be at least ${CDC_PARAMS.max}, got ${task.windowSize}`);
  const want = Math.max(0, Math.min(task.windowSize, task.limit - task.start));
  // An ArrayBuffer of its own (not Node's shared pool), so it can be transferred.
  const bytes = new Uint8Array(new ArrayBuffer(want));
  const handle = await open(fsPath(task.path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  let got = 0;
  try {
    while (got < want) {
      const { bytesRead } = await handle.read(bytes, got, want - got, task.start + got);
      if (bytesRead === 0) break; // the file shrank: what was read is its end
      got += bytesRead;
    }
  } finally {
    await handle.close();
  }
  const last = got < want || task.start + got >= task.limit;
  const cdc = new FastCdc(task.gear);
  const lengths = cdc.push(bytes.subarray(0, got));
  if (last) {
    const tail = cdc.finish();
    if (tail !== null) lengths.push(tail);
  }
  const chunks: WindowChunk[] = [];
  let at = 0;
  for (const length of lengths) {
    chunks.push({ offset: task.start + at, length, id: chunkId(task.idKey, bytes.subarray(at, at + length)) });
    at += length;
  }
  return { start: task.start, buffer: bytes.buffer, chunks, next: task.start + at, last };
}
