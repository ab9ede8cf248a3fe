// The plaintext of keys/chunking (vault/chunking-layout.ts, docs/FORMAT.md §3.4.1): a bare 32-byte secret
// means the legacy parameters, the secret with a record carries its own; everything else is refused.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CDC_PARAMS_V2, LEGACY_CDC_PARAMS, type CdcParams } from '../../src-main/engine/chunking/fastcdc.ts';
import { decodeChunking, encodeChunking, PARAM_BOUNDS } from '../../src-main/engine/vault/chunking-layout.ts';

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
const KiB = 1024;

/** A record written by hand, as docs/FORMAT.md describes it: not by encodeChunking. */
function record(values: number[], layout = 1): Buffer {
  const out = Buffer.alloc(49);
  out.set(SECRET, 0);
  out[32] = layout;
  values.forEach((v, i) => out.writeUInt32BE(v, 33 + 4 * i));
  return out;
}

describe('keys/chunking layout', () => {
  it('reads a bare 32-byte secret as the legacy parameters, descriptor 4', () => {
    const got = decodeChunking(SECRET);
    expect(Buffer.from(got.secret).equals(Buffer.from(SECRET))).toBe(true);
    expect(got.params).toBe(LEGACY_CDC_PARAMS);
    expect(got.descriptorVersion).toBe(4);
  });

  it('writes the secret then layout 1 and min, avg, max, normalisation as big-endian uint32 (49 bytes)', () => {
    const bytes = Buffer.from(encodeChunking(SECRET, CDC_PARAMS_V2));
    expect(bytes.toString('hex')).toBe(record([128 * KiB, 512 * KiB, 4096 * KiB, 1]).toString('hex'));
    expect(bytes.subarray(32).toString('hex')).toBe('01' + '00020000' + '00080000' + '00400000' + '00000001');
    const got = decodeChunking(bytes);
    expect(got.params).toEqual(CDC_PARAMS_V2);
    expect(got.descriptorVersion).toBe(5);
    expect(Buffer.from(got.secret).equals(Buffer.from(SECRET))).toBe(true);
  });

  it('round-trips every parameter set inside the bounds', () => {
    const inBounds = fc.record({ bits: fc.integer({ min: 17, max: 22 }), nc: fc.integer({ min: 0, max: 3 }), lo: fc.double({ min: 0, max: 1, noNaN: true }), hi: fc.double({ min: 0, max: 1, noNaN: true }) })
      .map(({ bits, nc, lo, hi }): CdcParams => {
        const avg = 2 ** bits;
        const min = PARAM_BOUNDS.minAtLeast + Math.floor(lo * (avg - 1 - PARAM_BOUNDS.minAtLeast));
        const max = avg + 1 + Math.floor(hi * (PARAM_BOUNDS.maxAtMost - avg - 1));
        return { min, avg, max, normalisation: nc };
      });
    fc.assert(fc.property(inBounds, fc.uint8Array({ minLength: 32, maxLength: 32 }), (params, secret) => {
      const got = decodeChunking(encodeChunking(secret, params));
      expect(got.params).toEqual(params);
      expect(Buffer.from(got.secret).equals(Buffer.from(secret))).toBe(true);
    }), { numRuns: 200 });
  });

  it('refuses any other length', () => {
    for (const n of [0, 16, 31, 33, 48, 50, 64]) {
      expect(() => decodeChunking(new Uint8Array(n)), `${n} bytes`).toThrow(new RegExp(`keys/chunking holds ${n} bytes: neither`));
    }
  });

  it('refuses a record of another layout, as needing a newer Coffer', () => {
    for (const layout of [0, 2, 0xff]) {
      expect(() => decodeChunking(record([128 * KiB, 512 * KiB, 4096 * KiB, 1], layout))).toThrow(new RegExp(`layout ${layout}; a newer Coffer may be needed`));
    }
  });

  it('refuses recorded parameters out of bounds, so a bucket cannot ask for huge or tiny chunks', () => {
    const bad: [string, number[]][] = [
      ['max over 8 MiB', [256 * KiB, 1024 * KiB, 8 * 1024 * KiB + 1, 2]],
      ['max of 4 GiB - 1', [256 * KiB, 1024 * KiB, 0xffffffff, 2]],
      ['min under 64 KiB', [64 * KiB - 1, 512 * KiB, 4096 * KiB, 1]],
      ['min of 0', [0, 512 * KiB, 4096 * KiB, 1]],
      ['avg not a power of two', [128 * KiB, 500 * KiB, 4096 * KiB, 1]],
      ['min not below avg', [512 * KiB, 512 * KiB, 4096 * KiB, 1]],
      ['avg not below max', [128 * KiB, 4096 * KiB, 4096 * KiB, 1]],
      ['normalisation 4', [128 * KiB, 512 * KiB, 4096 * KiB, 4]],
    ];
    for (const [what, values] of bad) {
      expect(() => decodeChunking(record(values)), what).toThrow(/records chunking parameters .* they must satisfy 65536 <= min < avg < max <= 8388608/);
    }
    // The edges are allowed.
    expect(decodeChunking(record([64 * KiB, 1024 * KiB, 8 * 1024 * KiB, 3])).params).toEqual({ min: 64 * KiB, avg: 1024 * KiB, max: 8 * 1024 * KiB, normalisation: 3 });
    expect(decodeChunking(record([64 * KiB, 1024 * KiB, 8 * 1024 * KiB, 0])).params.normalisation).toBe(0);
  });

  it('will not write what it would refuse to read', () => {
    expect(() => encodeChunking(SECRET, { ...CDC_PARAMS_V2, max: 16 * 1024 * KiB })).toThrow(/must satisfy/);
    expect(() => encodeChunking(new Uint8Array(31), CDC_PARAMS_V2)).toThrow(/must be 32 bytes/);
  });

  it('both fixed parameter sets lie inside the bounds', () => {
    expect(decodeChunking(encodeChunking(SECRET, LEGACY_CDC_PARAMS)).params).toEqual(LEGACY_CDC_PARAMS);
    expect(Object.isFrozen(LEGACY_CDC_PARAMS) && Object.isFrozen(CDC_PARAMS_V2)).toBe(true);
  });
});
