import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CDC_PARAMS_V2, FastCdc, LEGACY_CDC_PARAMS, type CdcParams } from '../../src-main/engine/chunking/fastcdc.ts';
import { chunkKeys } from '../../src-main/engine/chunking/chunk-keys.ts';
import { keystream } from '../vectors/cdc-input.ts';

const keys = chunkKeys(Buffer.alloc(32, 0x5a));
/** Small sizes, so fast-check can explore many inputs that hold many chunks. */
const SMALL: CdcParams = { min: 64, avg: 256, max: 1024, normalisation: 2 };
/** The same sizes at every normalisation level a vault may record (vault/chunking-layout.ts). */
const SMALL_AT = [0, 1, 2, 3].map((normalisation): CdcParams => ({ ...SMALL, normalisation }));
/** Both parameter sets vaults cut with, by name. */
const REAL = [['legacy', LEGACY_CDC_PARAMS], ['V2', CDC_PARAMS_V2]] as const;

/** Every chunk length of `data` fed in the given pieces, tail included. */
function cutAll(data: Uint8Array, pieces: number[], params: CdcParams = SMALL, gear = keys.gear): number[] {
  const cdc = new FastCdc(gear, params);
  const cuts: number[] = [];
  let at = 0;
  for (const n of pieces) {
    cuts.push(...cdc.push(data.subarray(at, at + n)));
    at += n;
  }
  cuts.push(...cdc.push(data.subarray(at)));
  const tail = cdc.finish();
  if (tail !== null) cuts.push(tail);
  return cuts;
}

/** docs/CDC.md's rule written out byte by byte, as another implementation would: the reference. */
function reference(data: Uint8Array, p: CdcParams, gear: Uint32Array): number[] {
  const bits = Math.log2(p.avg);
  const cuts: number[] = [];
  let start = 0;
  while (start < data.length) {
    let h = 0;
    let len = Math.min(p.max, data.length - start);
    for (let pos = p.min; pos < len; pos++) {
      h = (h * 2 + gear[data[start + pos]!]!) % 2 ** 32;
      const maskBits = pos < p.avg ? bits + p.normalisation : bits - p.normalisation;
      if (h < 2 ** (32 - maskBits)) {
        len = pos + 1;
        break;
      }
    }
    cuts.push(len);
    start += len;
  }
  return cuts;
}

/** Split points of a length-n input, as piece sizes. */
const piecesOf = (n: number) => fc.array(fc.integer({ min: 0, max: n }), { maxLength: 12 })
  .map((points) => [...points].sort((a, b) => a - b).map((p, i, all) => p - (i === 0 ? 0 : all[i - 1]!)));

describe('FastCdc', () => {
  it('cuts where the byte-by-byte reference does, at every normalisation level', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 20_000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(...SMALL_AT), (data, seed, params) => {
      const gear = chunkKeys(Buffer.from(keystream(`gear ${seed}`, 0, 32))).gear;
      expect(cutAll(data, [], params, gear)).toEqual(reference(data, params, gear));
    }), { numRuns: 300 });
  });

  it('gives the same cuts however the input is split into pushes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 20_000 }).chain((d) => fc.tuple(fc.constant(d), piecesOf(d.length))), fc.constantFrom(...SMALL_AT),
      ([data, pieces], params) => {
        expect(cutAll(data, pieces, params)).toEqual(cutAll(data, [], params));
      }), { numRuns: 300 });
  });

  it.each(REAL)('gives the same cuts for every split with the %s sizes (10 MiB of keystream)', (_, params) => {
    const data = keystream('fastcdc split', 0, 10 * 1024 * 1024);
    const whole = cutAll(data, [], params);
    expect(whole).toEqual(reference(data, params, keys.gear));
    expect(whole.length).toBeGreaterThan(4);
    fc.assert(fc.property(piecesOf(data.length), (pieces) => {
      expect(cutAll(data, pieces, params)).toEqual(whole);
    }), { numRuns: 15 });
  });

  it.each(REAL)('keeps every chunk within (min, max], the tail within [1, max] (%s sizes)', (_, params) => {
    const data = keystream('fastcdc bounds', 0, 30 * 1024 * 1024);
    const cuts = cutAll(data, [], params);
    expect(cuts.reduce((a, b) => a + b, 0)).toBe(data.length);
    for (const n of cuts.slice(0, -1)) {
      expect(n).toBeGreaterThan(params.min);
      expect(n).toBeLessThanOrEqual(params.max);
    }
    expect(cuts.at(-1)!).toBeGreaterThanOrEqual(1);
  });

  it('cuts the V2 sizes at about their average, the legacy ones at about theirs', () => {
    // Not a bound, a sanity check that the normalisation level reached the masks: 60 MiB of keystream
    // holds ~100 V2 chunks and ~50 legacy ones; their means fall well inside a factor of 1.5 of avg.
    const data = keystream('fastcdc mean', 0, 60 * 1024 * 1024);
    for (const [, params] of REAL) {
      const cuts = cutAll(data, [], params).slice(0, -1);
      const mean = cuts.reduce((a, b) => a + b, 0) / cuts.length;
      expect(mean).toBeGreaterThan(params.avg / 1.5);
      expect(mean).toBeLessThan(params.avg * 1.5);
    }
  });

  it('cuts a run that never matches at exactly max', () => {
    // Every gear word 2^31: h = 2h + 2^31 mod 2^32 stays 2^31, its top bit always set, so no mask matches.
    const topBit = new Uint32Array(256).fill(0x80000000);
    expect(cutAll(new Uint8Array(2500), [7, 1000], SMALL, topBit)).toEqual([1024, 1024, 452]);
  });

  it('returns lengths per push, and pending counts the open chunk', () => {
    const cdc = new FastCdc(new Uint32Array(256).fill(0x80000000), SMALL);
    expect(cdc.push(new Uint8Array(1000))).toEqual([]);
    expect(cdc.pending).toBe(1000);
    expect(cdc.push(new Uint8Array(2100))).toEqual([1024, 1024, 1024]);
    expect(cdc.pending).toBe(28);
    expect(cdc.finish()).toBe(28);
    expect(cdc.finish()).toBeNull();
  });

  it('refuses a gear table that is not 256 words and sizes out of order', () => {
    expect(() => new FastCdc(new Uint32Array(255), SMALL)).toThrow(/256 entries/);
    expect(() => new FastCdc(keys.gear, { ...SMALL, avg: 300 })).toThrow(/power of two/);
    expect(() => new FastCdc(keys.gear, { ...SMALL, min: 512 })).toThrow(/min < avg < max/);
    expect(() => new FastCdc(keys.gear, { ...SMALL, normalisation: 4 })).toThrow(/normalisation must be 0, 1, 2 or 3, got 4/);
    expect(() => new FastCdc(keys.gear, { ...SMALL, normalisation: 1.5 })).toThrow(/normalisation must be/);
    // 2^2 is too small an avg for level 2: the loose mask would have no bits.
    expect(() => new FastCdc(keys.gear, { min: 1, avg: 4, max: 16, normalisation: 2 })).toThrow(/between 2\^3 and 2\^29/);
  });
});
