import { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import type { BlobBody } from '../ports/blob-store.ts';

/** A body over bytes already in memory. */
export function bufferBody(data: Uint8Array | string): BlobBody {
  const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    size: buf.length,
    // One chunk per open: cheap, and every open is independent of the others.
    open: (start = 0) => Readable.from(start >= buf.length ? [] : [buf.subarray(start)], { objectMode: false }),
  };
}

/**
 * A body over byte strings already in memory, back to back (a chunk pack's messages): never joined
 * into one buffer, so a pack costs no second copy of itself while it uploads.
 */
export function buffersBody(parts: readonly Uint8Array[]): BlobBody {
  const size = parts.reduce((n, p) => n + p.byteLength, 0);
  return {
    size,
    open: (start = 0) => {
      const from: Uint8Array[] = [];
      let at = 0;
      for (const p of parts) {
        if (at + p.byteLength > start) from.push(start > at ? p.subarray(start - at) : p);
        at += p.byteLength;
      }
      return Readable.from(from.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)), { objectMode: false });
    },
  };
}

/**
 * A body over a file that is never written again once handed over (a spool file). It offers its path,
 * so a folder store on the same filesystem links it into place instead of copying it.
 */
export function fileBody(path: string, size: number): BlobBody {
  return {
    size,
    path,
    open: (start = 0) => (size === 0 || start >= size ? Readable.from([]) : createReadStream(path, { start, end: size - 1 })),
  };
}

/** Reads a stream to the end. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  return Buffer.concat(chunks);
}

/** Reads exactly `length` bytes of a body from `start` (a multipart part); fails if the body is short. */
export async function readRange(body: BlobBody, start: number, length: number): Promise<Buffer> {
  const out = Buffer.alloc(length);
  let got = 0;
  const stream = body.open(start);
  try {
    for await (const c of stream as AsyncIterable<Buffer>) {
      const take = Math.min(c.length, length - got);
      c.copy(out, got, 0, take);
      got += take;
      if (got === length) break;
    }
  } finally {
    stream.destroy();
  }
  if (got !== length) throw new Error(`body ended at ${start + got} bytes, expected at least ${start + length}`);
  return out;
}
