/**
 * The plaintext sealed at keys/chunking (docs/FORMAT.md §3.4.1): the vault's chunking secret and the
 * FastCDC parameters its files are cut with. Two layouts, told apart by length alone:
 *   - 32 bytes: the secret alone. Every vault whose secret was made by format 3 or 4; it cuts with
 *     LEGACY_CDC_PARAMS forever, since its dedup depends on the cut points never moving.
 *   - 49 bytes: the secret, then a record of 17 bytes: the layout byte 0x01, then min, avg, max and the
 *     normalisation level, each a big-endian uint32. Secrets made from format 5 on (CDC_PARAMS_V2).
 * Anything else is refused, and so are recorded parameters outside PARAM_BOUNDS: the record comes from the
 * bucket, and whoever holds the bucket must not make a device cut 1 GiB chunks or a million tiny ones.
 * (The record is sealed and authenticated with the vault key, so this guards against a bug or a member's
 * newer Coffer rather than the provider; it costs a few comparisons.)
 */
import { CHUNKING_SECRET_BYTES } from '../chunking/chunk-keys.ts';
import { LEGACY_CDC_PARAMS, type CdcParams } from '../chunking/fastcdc.ts';
import { CHUNKING_KEY } from '../objects/object-keys.ts';

export interface VaultChunking {
  /** The 32-byte chunking secret (chunking/chunk-keys.ts derives the gear table and the id key from it). */
  readonly secret: Uint8Array;
  readonly params: CdcParams;
  /** The descriptor version this layout needs: 4 for the bare secret, 5 for the secret with a record. */
  readonly descriptorVersion: 4 | 5;
}

/** The record's first byte. A different record is a different byte (and a newer descriptor version). */
const RECORD_LAYOUT = 0x01;
const RECORD_BYTES = 1 + 4 * 4;
const KiB = 1024;

/**
 * What a recorded parameter set may be. max is capped at 8 MiB because the vault's chunker reads 8 MiB
 * windows (vault-chunker.ts), which must hold a whole chunk; min at 64 KiB so a file cannot explode into
 * objects. Both the legacy and the V2 parameters lie inside.
 */
export const PARAM_BOUNDS = Object.freeze({ minAtLeast: 64 * KiB, maxAtMost: 8 * 1024 * KiB, normalisationAtMost: 3 });

/** The 49 bytes to seal for a fresh secret with its parameters (refuses parameters decode would refuse). */
export function encodeChunking(secret: Uint8Array, params: CdcParams): Uint8Array {
  checkSecret(secret);
  checkRecorded(params);
  const out = Buffer.alloc(CHUNKING_SECRET_BYTES + RECORD_BYTES);
  out.set(secret, 0);
  let at = CHUNKING_SECRET_BYTES;
  at = out.writeUInt8(RECORD_LAYOUT, at);
  for (const v of [params.min, params.avg, params.max, params.normalisation]) at = out.writeUInt32BE(v, at);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The secret and parameters of an opened keys/chunking; throws on any other layout or out-of-bounds values. */
export function decodeChunking(plain: Uint8Array): VaultChunking {
  const bytes = Buffer.from(plain.buffer, plain.byteOffset, plain.length);
  if (bytes.length === CHUNKING_SECRET_BYTES) return { secret: Uint8Array.from(bytes), params: LEGACY_CDC_PARAMS, descriptorVersion: 4 };
  if (bytes.length !== CHUNKING_SECRET_BYTES + RECORD_BYTES) {
    throw new Error(`${CHUNKING_KEY} holds ${bytes.length} bytes: neither a bare ${CHUNKING_SECRET_BYTES}-byte chunking secret nor one with a parameter record (${CHUNKING_SECRET_BYTES + RECORD_BYTES})`);
  }
  const layout = bytes[CHUNKING_SECRET_BYTES]!;
  if (layout !== RECORD_LAYOUT) throw new Error(`${CHUNKING_KEY} has a parameter record of layout ${layout}; a newer Coffer may be needed`);
  const at = (i: number) => bytes.readUInt32BE(CHUNKING_SECRET_BYTES + 1 + 4 * i);
  const params: CdcParams = Object.freeze({ min: at(0), avg: at(1), max: at(2), normalisation: at(3) });
  checkRecorded(params);
  return { secret: Uint8Array.from(bytes.subarray(0, CHUNKING_SECRET_BYTES)), params, descriptorVersion: 5 };
}

function checkSecret(secret: Uint8Array): void {
  if (!(secret instanceof Uint8Array) || secret.length !== CHUNKING_SECRET_BYTES) throw new RangeError(`the chunking secret must be ${CHUNKING_SECRET_BYTES} bytes`);
}

function checkRecorded(p: CdcParams): void {
  const { min, avg, max, normalisation: nc } = p;
  const b = PARAM_BOUNDS;
  const sane = [min, avg, max, nc].every(Number.isInteger)
    && b.minAtLeast <= min && min < avg && avg < max && max <= b.maxAtMost
    && Number.isInteger(Math.log2(avg))
    && nc >= 0 && nc <= b.normalisationAtMost;
  if (!sane) {
    throw new RangeError(`${CHUNKING_KEY} records chunking parameters min ${min}, avg ${avg}, max ${max}, normalisation ${nc}; `
      + `they must satisfy ${b.minAtLeast} <= min < avg < max <= ${b.maxAtMost}, avg a power of two, normalisation 0..${b.normalisationAtMost}`);
  }
}
