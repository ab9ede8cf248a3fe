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
import { FastCdc, type CdcParams } from './fastcdc.ts';

export interface WindowTask {
  /** The file, in the engine's string form (names that are not UTF-8 as escaped bytes, fsx/raw-name.ts). */
  readonly path: string;
  /** A cut point: 0 or where the previous window's last chunk ended. */
  readonly start: number;
  /** Where the file ends for this read: its size when it was opened (a growing file is not followed). */
  readonly limit: number;
  /** Bytes read at most; at least `params.max`, so every window but the last holds a cut. */
  readonly windowSize: number;
  /** The vault's chunking parameters (with its secret, vault/chunking-layout.ts): a plain object, so it reaches a worker. */
  readonly params: CdcParams;
  readonly gear: Uint32Array;
  readonly idKey: Uint8Array;
  /**
   * The chunks of the file's previous version (see KnownCut), all of them: an insertion or a deletion
   * before this window moves where they are. Each is taken as it is when the bytes at its place, which
   * must be a cut, still have its keyed id; FastCDC runs only where none matches.
   */
  readonly known?: readonly KnownCut[];
  /**
   * Where the previous version's chunks are now, relative to their old offsets: 0 until an insertion or
   * a deletion moved them. A chunk cut here that has a known chunk's id shows the shift; the window
   * reports it (`shift`) for the next one.
   */
  readonly shift?: number;
}

/**
 * A chunk of the previous version of a file, by its place in the file. Only chunks that ended at a
 * content-defined cut qualify (every chunk but the last: the last ended where that file ended). Why
 * taking one is exact: FastCDC decides each cut from the bytes since the previous cut alone, and its
 * state is reset at a cut. So when the new file has a cut at `offset` and the same `length` bytes follow
 * (same keyed id), the cutter would end a chunk exactly there too. Checking an id is a native HMAC pass;
 * cutting is the JavaScript gear loop, several times slower: an append or an edit in a large file then
 * costs a hash of the unchanged part and a cut of the changed chunks only.
 */
export interface KnownCut {
  readonly offset: number;
  readonly length: number;
  readonly id: string;
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
  /** The shift of the known chunks as last seen (WindowTask.shift), for the next window. */
  readonly shift: number;
}

/** Reads and cuts one window of the file at `task.path`. */
export async function cutWindow(task: WindowTask): Promise<CutWindow> {
  const { params } = task;
  if (task.windowSize < params.max) throw new RangeError(`windowSize must be at least ${params.max}, got ${task.windowSize}`);
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
  const byOffset = new Map((task.known ?? []).map((k) => [k.offset, k]));
  const byId = new Map((task.known ?? []).map((k) => [k.id, k]));
  let shift = task.shift ?? 0;
  // The known chunk expected at `at` of this window, where the shift puts it.
  const known = { size: byOffset.size, has: (rel: number) => byOffset.has(task.start + rel - shift), get: (rel: number) => byOffset.get(task.start + rel - shift) };
  const chunks: WindowChunk[] = [];
  let at = 0;
  while (at < got) {
    const k = known.get(at);
    if (k && at + k.length <= got && chunkId(task.idKey, bytes.subarray(at, at + k.length)) === k.id) {
      chunks.push({ offset: task.start + at, length: k.length, id: k.id });
      at += k.length;
      continue;
    }
    // Without known chunks the span is the whole window (one FastCDC pass); with them, a maximal chunk
    // at a time, stopping at a cut where a known chunk starts, so the next one is checked, not cut.
    const spanEnd = known.size === 0 ? got : Math.min(got, at + params.max);
    const lengths = cutSpan(bytes.subarray(at, spanEnd), task.gear, params, last && spanEnd === got, (cutAt) => known.has(at + cutAt));
    for (const length of lengths) {
      const id = chunkId(task.idKey, bytes.subarray(at, at + length));
      chunks.push({ offset: task.start + at, length, id });
      // A cut chunk that is a known one (after an insertion or a deletion): its neighbours follow it.
      const same = byId.get(id);
      if (same && same.length === length) shift = task.start + at - same.offset;
      at += length;
    }
    // No cut left in this window: the chunk still open is read again by the next window, from `at`.
    if (lengths.length === 0 || known.size === 0) break;
  }
  return { start: task.start, buffer: bytes.buffer, chunks, next: task.start + at, last, shift };
}

/**
 * FastCDC over `span`, which starts at a cut: the lengths of the chunks that end inside it (the tail too
 * when `final`), stopping early after a cut where `stopAt(offset in span)` says a known chunk starts.
 */
function cutSpan(span: Uint8Array, gear: Uint32Array, params: CdcParams, final: boolean, stopAt: (cutAt: number) => boolean): number[] {
  const cdc = new FastCdc(gear, params);
  const lengths = cdc.push(span);
  if (final) {
    const tail = cdc.finish();
    if (tail !== null) lengths.push(tail);
  }
  let sum = 0;
  for (let i = 0; i < lengths.length; i++) {
    sum += lengths[i]!;
    if (stopAt(sum)) return lengths.slice(0, i + 1);
  }
  return lengths;
}
