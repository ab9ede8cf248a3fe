import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeLines, encodeLine } from '../../src-main/engine/journal/line-codec.ts';

const value = fc.jsonValue().filter((v) => v !== null);

describe('line codec', () => {
  it('property: decode(encode(values)) = values', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 20 }), (values) => {
        const buf = Buffer.concat(values.map(encodeLine));
        const d = decodeLines(buf);
        expect(d.lines.map((l) => l.value)).toEqual(JSON.parse(JSON.stringify(values)));
        expect(d.goodEnd).toBe(buf.length);
        expect(d.corruptLines).toEqual([]);
      }),
    );
  });

  it('property: any truncation decodes to a prefix of whole records and marks the rest as tail', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 10 }), fc.nat(), (values, cutSeed) => {
        const lines = values.map(encodeLine);
        const buf = Buffer.concat(lines);
        const cut = cutSeed % (buf.length + 1);
        const d = decodeLines(buf.subarray(0, cut));
        let whole = 0;
        let end = 0;
        while (whole < lines.length && end + lines[whole]!.length <= cut) end += lines[whole++]!.length;
        expect(d.lines.length).toBe(whole);
        expect(d.goodEnd).toBe(end);
        expect(d.corruptLines).toEqual([]);
      }),
    );
  });

  it('property: flipping one byte never yields a wrong record; the damaged one is reported', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 3, maxLength: 8 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (values, at, xor) => {
        const lines = values.map(encodeLine);
        const buf = Buffer.concat(lines);
        const pos = at % buf.length;
        buf[pos]! ^= xor;
        const d = decodeLines(buf);
        const expected = JSON.parse(JSON.stringify(values)) as unknown[];
        // Each decoded record is one of the originals, in order (a flipped newline may merge or split lines).
        let j = 0;
        for (const l of d.lines) {
          while (j < expected.length && JSON.stringify(expected[j]) !== JSON.stringify(l.value)) j++;
          expect(j).toBeLessThan(expected.length);
          j++;
        }
        expect(d.lines.length).toBeLessThan(values.length);
      }),
    );
  });
});
