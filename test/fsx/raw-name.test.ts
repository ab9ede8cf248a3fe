import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { decodeName, displayName, encodeName, fsPath, isRawName } from '../../src-main/engine/fsx/raw-name.ts';
import { fromStoredEntry, toStoredEntry } from '../../src-main/engine/manifest/entry-names.ts';
import { FileEntrySchema, type FileEntry } from '../../src-main/engine/manifest/schema.ts';
import { shardOf } from '../../src-main/engine/manifest/shards.ts';

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

describe('manifest entries for names that are not UTF-8', () => {
  const entry = (path: string, extra: Partial<FileEntry> = {}): FileEntry => ({ path, type: 'file', size: 1, mode: 0o100644, mtimeMs: 1, device: 'd', seq: 1, ...extra });

  it('an entry written before rawPath existed reads unchanged, and ordinary names are written as before', () => {
    const old = FileEntrySchema.parse(JSON.parse('{"path":"docs/caf\\u00e9.txt","type":"file","size":1,"mode":33188,"mtimeMs":1,"device":"d","seq":1}'));
    expect(fromStoredEntry(old)).toBe(old);
    expect(toStoredEntry(old)).toBe(old);
    // The shard of an ordinary name is still SHA-256 of its UTF-8, so old roots find their entries.
    const h = createHash('sha256').update('docs/café.txt').digest().readUInt32BE(0) >>> 28;
    expect(shardOf('docs/café.txt', 4)).toBe(h);
  });

  it('round-trips any bytes through the stored form, which is plain Unicode text', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 12 }).filter((u) => !u.includes(0x2f)), { minLength: 1, maxLength: 3 }), fc.uint8Array({ minLength: 1, maxLength: 12 }), (segs, target) => {
      const path = segs.map((s) => decodeName(s)).join('/');
      const e = entry(path, { type: 'symlink', target: decodeName(target) });
      const stored = FileEntrySchema.parse(JSON.parse(JSON.stringify(toStoredEntry(e))));
      expect(isRawName(stored.path) || isRawName(stored.target!)).toBe(false);
      expect(fromStoredEntry(stored)).toEqual(e);
      expect(shardOf(path, 12)).toBe(createHash('sha256').update(encodeName(path)).digest().readUInt32BE(0) >>> 20);
    }), { numRuns: 500 });
  });
});
