import { describe, expect, it } from 'vitest';
import { chunkId, chunkKeys } from '../../src-main/engine/chunking/chunk-keys.ts';

const SECRET = Buffer.from(Array.from({ length: 32 }, (_, i) => i)); // 00 01 .. 1f

describe('chunkKeys', () => {
  // Known answers from another implementation (OpenSSL 3):
  //   openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:0001..1f -kdfopt info:coffer-chunk-id-v1 HKDF
  //   openssl kdf -keylen 8 ... -kdfopt info:coffer-cdc-gear-v1 HKDF    → 1E1B07E3 FDE8E9F4 (the first two words)
  //   printf coffer | openssl dgst -sha256 -mac HMAC -macopt hexkey:<id key>
  it('derives the id key and the gear table by HKDF-SHA256 with their info strings, words little-endian', () => {
    const { gear, idKey } = chunkKeys(SECRET);
    expect(idKey.toString('hex')).toBe('92e1976604b1e965480ff6d4bd2b5c3cec06e8d5e840210431f089a8e6000eb6');
    expect(gear.length).toBe(256);
    expect([gear[0], gear[1]]).toEqual([0xe3071b1e, 0xf4e9e8fd]);
  });

  it('names a chunk by HMAC-SHA256 hex under the id key', () => {
    expect(chunkId(chunkKeys(SECRET).idKey, Buffer.from('coffer'))).toBe('8607c58c75af0982831882a3085a7666e9f8580462d0fb9e1ee3bc6f8949b327');
  });

  it('gives another vault other cut points and other ids', () => {
    const a = chunkKeys(SECRET);
    const b = chunkKeys(Buffer.alloc(32, 1));
    expect(Buffer.from(b.gear.buffer).equals(Buffer.from(a.gear.buffer))).toBe(false);
    expect(chunkId(b.idKey, Buffer.from('coffer'))).not.toBe(chunkId(a.idKey, Buffer.from('coffer')));
  });

  it('refuses a secret that is not 32 bytes, saying so', () => {
    for (const n of [0, 16, 31, 33, 64]) {
      expect(() => chunkKeys(Buffer.alloc(n)), `${n} bytes`).toThrow(new RegExp(`must be 32 bytes, got ${n} bytes`));
    }
    expect(() => chunkKeys('0'.repeat(32) as unknown as Uint8Array)).toThrow(/must be 32 bytes, got string/);
  });
});
