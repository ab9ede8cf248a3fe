// The inputs of the CDC vectors (test/vectors/cdc/*.json), rebuilt from their description, so the JSON
// files hold no bulk data. An input is a list of segments, concatenated:
//   { zeros: n }                    n zero bytes;
//   { seed, from, length }          bytes [from, from + length) of the keystream named by `seed`:
//                                   AES-256-CTR with key SHA-256(utf8(seed)), IV 16 zero bytes, over zeros.
// Any AES-CTR implementation reproduces them (docs/CDC.md §Vectors).
import { createCipheriv, createHash } from 'node:crypto';

export type Segment = { readonly zeros: number } | { readonly seed: string; readonly from: number; readonly length: number };

export interface CdcVector {
  readonly name: string;
  readonly description: string;
  /** The 32-byte chunking secret, hex. */
  readonly secret: string;
  /** The FastCDC parameters; without `normalisation` (the legacy vectors, test/vectors/cdc/) level 2. */
  readonly params: { readonly min: number; readonly avg: number; readonly max: number; readonly normalisation?: number };
  readonly input: readonly Segment[];
  /** Every chunk's length, in order (they sum to the input's length). */
  readonly cuts: readonly number[];
  /** Every chunk's id (HMAC-SHA256 hex), in order. */
  readonly ids: readonly string[];
  /** SHA-256 hex of the whole input. */
  readonly sha256: string;
}

/** Bytes [from, from + length) of the keystream named by `seed`. */
export function keystream(seed: string, from: number, length: number): Buffer {
  const key = createHash('sha256').update(seed, 'utf8').digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return cipher.update(Buffer.alloc(from + length)).subarray(from);
}

export function buildInput(segments: readonly Segment[]): Buffer {
  return Buffer.concat(segments.map((s) => ('zeros' in s ? Buffer.alloc(s.zeros) : keystream(s.seed, s.from, s.length))));
}
