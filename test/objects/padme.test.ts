// Padmé (objects/padme.ts): the padded lengths the provider sees. Known values are worked by hand from the
// paper's definition; the properties are the ones the threat model leans on (never shorter, at most 12 %
// longer, few sizes per power of two).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { padmeLength } from '../../src-main/engine/objects/padme.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const length = fc.integer({ min: 0, max: MAX });

describe('padmeLength', () => {
  it.each([
    // n, E = floor(log2 n), S = floor(log2 E) + 1, lastBits = E − S, result
    [0, 0], [1, 1], [2, 2], [3, 3], [7, 7], // E ≤ 2: lastBits 0, nothing to round
    [8, 8], [9, 10], [15, 16], // E 3, S 2, lastBits 1
    [100, 104], // E 6, S 3, lastBits 3: up to a multiple of 8
    [129, 144], // E 7, S 3, lastBits 4: the worst case of all, 11.6 % more
    [1000, 1024], // E 9, S 4, lastBits 5: up to a multiple of 32
    [1025, 1088], // E 10, S 4, lastBits 6
    [1_000_000, 1_015_808], // docs/FORMAT.md §3.4: E 19, S 5, lastBits 14 (16 KiB)
    [16_800_000, 17_301_504], // docs/FORMAT.md §3.4: E 24, S 5, lastBits 19
    [2 ** 24 + 1, 2 ** 24 + 2 ** 19], // a byte over 16 MiB: E 24, S 5, lastBits 19 (512 KiB)
    [2 ** 26, 2 ** 26], // a full 64 MiB chunk is not padded at all
    [114_156_968, 55 * 2 ** 21], // E 26, S 5, lastBits 21 (2 MiB)
    [2 ** 52 + 1, 2 ** 52 + 2 ** 46], // E 52, S 6, lastBits 46
    [MAX, 2 ** 53], // E 52: rounds up to 2^53, still exact as a double
    [2 ** 53, 2 ** 53],
  ])('padmeLength(%d) = %d', (n, want) => {
    expect(padmeLength(n)).toBe(want);
  });

  it('refuses what is not a length', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 53 + 2]) expect(() => padmeLength(bad)).toThrow(RangeError);
  });

  it('is never shorter, a fixed point, and monotone', () => {
    fc.assert(fc.property(length, length, (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const p = padmeLength(lo);
      expect(p).toBeGreaterThanOrEqual(lo);
      expect(padmeLength(p)).toBe(p);
      expect(padmeLength(hi)).toBeGreaterThanOrEqual(p);
    }), { numRuns: 2000 });
  });

  it('adds at most 12 %, at most 6.25 % from 256 bytes and 3.125 % from 64 KiB', () => {
    const overhead = (n: number) => (padmeLength(n) - n) / n;
    for (let n = 1; n < 1 << 16; n++) expect(overhead(n)).toBeLessThan(0.12);
    fc.assert(fc.property(fc.integer({ min: 256, max: MAX }), (n) => {
      expect(overhead(n)).toBeLessThanOrEqual(1 / 16);
      if (n >= 1 << 16) expect(overhead(n)).toBeLessThanOrEqual(1 / 32);
    }), { numRuns: 2000 });
  });

  it('leaves at most 2k + 1 sizes between 2^k and 2^(k+1): every one of them for k < 17', () => {
    for (let k = 1; k < 17; k++) {
      const sizes = new Set<number>();
      for (let n = 2 ** k; n < 2 ** (k + 1); n++) sizes.add(padmeLength(n));
      expect(sizes.size, `k = ${k}`).toBeLessThanOrEqual(2 * k + 1);
      expect(Math.min(...sizes)).toBe(2 ** k);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(2 ** (k + 1));
    }
  });

  it('leaves at most 2k + 1 sizes between 2^k and 2^(k+1): multiples of 2^(k − S) for large k', () => {
    fc.assert(fc.property(fc.integer({ min: 17, max: 52 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (k, f) => {
      const n = 2 ** k + Math.floor(f * 2 ** k);
      const step = 2 ** (k - (Math.floor(Math.log2(k)) + 1));
      const p = padmeLength(n);
      expect(p % step).toBe(0);
      // Multiples of step in [2^k, 2^(k+1)]: 2^k / step + 1 of them, and that is at most 2k + 1.
      expect(2 ** k / step + 1).toBeLessThanOrEqual(2 * k + 1);
      expect(p).toBeLessThanOrEqual(2 ** (k + 1));
    }), { numRuns: 2000 });
  });
});
