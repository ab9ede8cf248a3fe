import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CDC_PARAMS, FastCdc, type CdcParams } from '../../src-main/engine/chunking/fastcdc.ts';
import { chunkKeys } from '../../src-main/engine/chunking/chunk-keys.ts';
import { keystream } from '../vectors/cdc-input.ts';

const keys = chunkKeys(Buffer.alloc(32, 0x5a));
/** Small sizes, so fast-check can explore many inputs that hold many chunks. */
const SMALL: CdcParams = { min: 64, avg: 256, max: 1024 };

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
      const maskBits = pos < p.avg ? bits + 2 : bits - 2;
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
  it('cuts where the byte-by-byte reference does', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 20_000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (data, seed) => {
      const gear = chunkKeys(Buffer.from(keystream(`gear ${seed}`, 0, 32))).gear;
      expect(cutAll(data, [], SMALL, gear)).toEqual(reference(data, SMALL, gear));
    }), { numRuns: 200 });
  });

  it('gives the same cuts however the input is split into pushes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 20_000 }).chain((d) => fc.tuple(fc.constant(d), piecesOf(d.length))),
      ([data, pieces]) => {
        expect(cutAll(data, pieces)).toEqual(cutAll(data, []));
      }), { numRuns: 300 });
  });

  it('gives the same cuts for every split with the real sizes (10 MiB of keystream)', () => {
    const data = keystream('fastcdc split', 0, 10 * 1024 * 1024);
    const whole = cutAll(data, [], CDC_PARAMS);
    expect(whole).toEqual(reference(data, CDC_PARAMS, keys.gear));
    expect(whole.length).toBeGreaterThan(4);
    fc.assert(fc.property(piecesOf(data.length), (pieces) => {
      expect(cutAll(data, pieces, CDC_PARAMS)).toEqual(whole);
    }), { numRuns: 15 });
  });

  it('keeps every chunk within (min, max], the tail within [1, max]', () => {
    const data = keystream('fastcdc bounds', 0, 30 * 1024 * 1024);
    const cuts = cutAll(data, [], CDC_PARAMS);
    expect(cuts.reduce((a, b) => a + b, 0)).toBe(data.length);
    for (const n of cuts.slice(0, -1)) {
      expect(n).toBeGreaterThan(CDC_PARAMS.min);
      expect(n).toBeLessThanOrEqual(CDC_PARAMS.max);
    }
    expect(cuts.at(-1)!).toBeGreaterThanOrEqual(1);
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
    expect(() => new FastCdc(new Uint32Array(255))).toThrow(/256 entries/);
    expect(() => new FastCdc(keys.gear, { min: 64, avg: 300, max: 1024 })).toThrow(/power of two/);
    expect(() => new FastCdc(keys.gear, { min: 512, avg: 256, max: 1024 })).toThrow(/min < avg < max/);
  });
});
