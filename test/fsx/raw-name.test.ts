import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeName, displayName, encodeName, fsPath, isRawName } from '../../src-main/engine/fsx/raw-name.ts';

describe('raw names: bytes that are not UTF-8 kept exact in a string', () => {
  it('round-trips any byte string exactly', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(encodeName(decodeName(bytes)).equals(Buffer.from(bytes))).toBe(true);
    }), { numRuns: 2000 });
  });

  it('leaves valid UTF-8 names as their ordinary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect(decodeName(Buffer.from(s, 'utf8'))).toBe(s);
      expect(isRawName(s)).toBe(false);
      expect(fsPath(s)).toBe(s);
    }));
  });

  it('escapes only the bytes that are not part of a valid sequence', () => {
    const name = decodeName(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74])); // caf\xe9.txt (Latin-1)
    expect(name).toBe('caf\udce9.txt');
    expect(isRawName(name)).toBe(true);
    expect(displayName(name)).toBe('caf\\xE9.txt');
    expect(fsPath(name)).toEqual(Buffer.from('636166e92e747874', 'hex'));
    // An encoded surrogate (CESU-8), an overlong '/', and a truncated sequence are each escaped byte by byte.
    expect(decodeName(Buffer.from('eda080', 'hex'))).toBe('\udced\udca0\udc80');
    expect(decodeName(Buffer.from('c0af', 'hex'))).toBe('\udcc0\udcaf');
    expect(decodeName(Buffer.from('61e282', 'hex'))).toBe('a\udce2\udc82');
    expect(decodeName(Buffer.from('f09f9880ff', 'hex'))).toBe('😀\udcff');
  });

  it('refuses a lone surrogate that is no escaped byte', () => {
    expect(() => encodeName('a\ud800b')).toThrow(/lone surrogate/);
  });
});
