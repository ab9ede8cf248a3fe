/**
 * The keys that make chunking private to a vault (docs/CDC.md §Keys). Both come from the vault's 32-byte
 * chunking secret by HKDF-SHA256 (empty salt) with their own info string, so neither reveals the other:
 *   - the gear table decides where chunks are cut, so sizes say nothing to whoever lacks the secret;
 *   - the id key names chunks by HMAC-SHA256, so an id cannot be matched against a known file's hash.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export const CHUNKING_SECRET_BYTES = 32;
const GEAR_INFO = 'coffer-cdc-gear-v1';
const ID_INFO = 'coffer-chunk-id-v1';

export interface ChunkKeys {
  /** 256 uint32 values: the FastCDC gear table (little-endian words of 1024 HKDF bytes). */
  readonly gear: Uint32Array;
  /** 32 bytes: the HMAC-SHA256 key chunk ids are made with. */
  readonly idKey: Buffer;
}

/** Derives the gear table and the chunk-id key from the vault's chunking secret. */
export function chunkKeys(secret: Uint8Array): ChunkKeys {
  if (!(secret instanceof Uint8Array) || secret.length !== CHUNKING_SECRET_BYTES) {
    const got = secret instanceof Uint8Array ? `${secret.length} bytes` : typeof secret;
    throw new RangeError(`the chunking secret must be ${CHUNKING_SECRET_BYTES} bytes, got ${got}`);
  }
  const gearBytes = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), GEAR_INFO, 256 * 4));
  const gear = new Uint32Array(256);
  // Read word by word: a Uint32Array view of the bytes would follow the machine's byte order.
  for (let i = 0; i < 256; i++) gear[i] = gearBytes.readUInt32LE(4 * i);
  const idKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), ID_INFO, 32));
  return { gear, idKey };
}

/** A chunk's id: HMAC-SHA256 of its bytes under the id key, lowercase hex. */
export function chunkId(idKey: Uint8Array, data: Uint8Array): string {
  return createHmac('sha256', idKey).update(data).digest('hex');
}
