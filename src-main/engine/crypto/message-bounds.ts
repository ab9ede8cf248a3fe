import { Transform } from 'node:stream';
import { OpenError } from '../ports/sealer.ts';

/** The one suite Coffer writes (committing, no signature, so no footer): see esdk-sealer.ts. */
const SUITE_ID = 0x0478;
const FINAL_FRAME = 0xffffffff;
/** Sequence number, IV and tag around a regular frame's content; the final frame adds a marker and a length. */
const FRAME_OVERHEAD = 4 + 12 + 16;
const FINAL_PREFIX = 4 + 4 + 12 + 4;
const TAG = 16;
/** Four EDKs of at most 3 × 64 KiB each, plus the context: anything longer is not a header we wrote. */
const MAX_HEADER = 1024 * 1024;

/**
 * Finds where an Encryption SDK message ends by walking its framing (docs/FORMAT.md §3): the header's
 * lengths, then frame after frame to the final frame's content length. Nothing is decrypted or trusted;
 * the decrypter still authenticates every byte. Bytes after the final frame are refused as they arrive,
 * before they reach the decrypter (whose buffering of them is quadratic), and reading stops there.
 */
export class MessageBounds {
  /** Total length of the message, once the final frame's header has been seen. */
  end: number | null = null;
  private buf: Buffer = Buffer.alloc(0);
  /** Absolute offset of the structure being parsed; `buf` holds the bytes from there on. */
  private cursor = 0;
  private seen = 0;
  private frameLength = 0;
  private inHeader = true;
  /** A message in a format this parser does not know: left entirely to the decrypter. */
  private unknown = false;

  constructor(private readonly objectId: string) {}

  push(chunk: Buffer): void {
    const start = this.seen;
    this.seen += chunk.length;
    if (this.unknown) return;
    if (this.end === null && this.seen > this.cursor) {
      const fresh = chunk.subarray(Math.max(0, this.cursor - start));
      this.buf = this.buf.length ? Buffer.concat([this.buf, fresh]) : fresh;
      this.parse();
    }
    if (this.end !== null && this.seen > this.end) {
      throw new OpenError(`object ${this.objectId} has bytes after the end of its encrypted message (${this.end} bytes): the stored copy was altered; refusing it`);
    }
  }

  private parse(): void {
    if (this.inHeader) {
      const len = this.headerLength();
      if (len === null) {
        if (this.buf.length > MAX_HEADER) this.unknown = true;
        return;
      }
      if (this.unknown) return;
      this.advance(len);
      this.inHeader = false;
    }
    while (this.end === null && this.buf.length >= 4) {
      if (this.buf.readUInt32BE(0) !== FINAL_FRAME) {
        this.advance(FRAME_OVERHEAD + this.frameLength);
        continue;
      }
      if (this.buf.length < FINAL_PREFIX) return;
      this.end = this.cursor + FINAL_PREFIX + this.buf.readUInt32BE(FINAL_PREFIX - 4) + TAG;
      this.buf = Buffer.alloc(0);
    }
  }

  private advance(n: number): void {
    this.cursor += n;
    this.buf = this.buf.length > n ? this.buf.subarray(n) : Buffer.alloc(0);
  }

  /** The header's length (message format version 2), or null while more bytes are needed. */
  private headerLength(): number | null {
    const b = this.buf;
    if (b.length < 3) return null;
    if (b[0] !== 0x02 || b.readUInt16BE(1) !== SUITE_ID) {
      this.unknown = true;
      return 0;
    }
    let off = 1 + 2 + 32;
    const u16 = () => (b.length >= off + 2 ? b.readUInt16BE(off) : null);
    const aad = u16();
    if (aad === null) return null;
    off += 2 + aad;
    const edks = u16();
    if (edks === null) return null;
    off += 2;
    for (let i = 0; i < edks * 3; i++) {
      const n = u16();
      if (n === null) return null;
      off += 2 + n;
    }
    if (b.length < off + 1 + 4) return null;
    if (b[off] !== 0x02) {
      this.unknown = true; // not framed
      return 0;
    }
    this.frameLength = b.readUInt32BE(off + 1);
    if (this.frameLength === 0) this.unknown = true;
    return off + 1 + 4 + 32 + TAG;
  }
}

/** A pass-through that refuses bytes after the message's end (see MessageBounds). */
export function boundedMessage(objectId: string): Transform {
  const bounds = new MessageBounds(objectId);
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      try {
        bounds.push(chunk);
        cb(null, chunk);
      } catch (err) {
        cb(err as Error);
      }
    },
  });
}

/** Throws if a whole message in memory has bytes after its end. */
export function assertNoTrailingBytes(message: Uint8Array, objectId: string): void {
  new MessageBounds(objectId).push(Buffer.from(message.buffer, message.byteOffset, message.byteLength));
}
