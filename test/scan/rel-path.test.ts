import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assertRelPath, collapsePaths, coveredBy, isWithin, toRelPath } from '../../src-main/engine/scan/rel-path.ts';

describe('relative paths', () => {
  it('accepts port-style paths and rejects the rest with a clear error', () => {
    for (const ok of ['', 'a', 'a/b', '...', 'a/.hidden', 'é/e\u0301']) expect(assertRelPath(ok)).toBe(ok);
    for (const bad of ['/a', 'a/', 'a//b', './a', 'a/../b', '..', 'a\0b']) expect(() => assertRelPath(bad)).toThrow(/Invalid relative path/);
  });

  it('isWithin respects segment boundaries', () => {
    expect(isWithin('a', 'a/b')).toBe(true);
    expect(isWithin('a', 'a')).toBe(true);
    expect(isWithin('a', 'ab')).toBe(false);
    expect(isWithin('a', 'a-b/c')).toBe(false);
    expect(isWithin('', 'anything/at/all')).toBe(true);
  });

  it('toRelPath maps inside paths and refuses outside ones', () => {
    expect(toRelPath('/r', '/r/a/b')).toBe('a/b');
    expect(toRelPath('/r', '/r')).toBe('');
    expect(toRelPath('/r', '/other/x')).toBeNull();
    expect(toRelPath('/r', '/r/..x')).toBe('..x');
  });

  it('property: collapsePaths covers every input and keeps no path under another', () => {
    const path = fc.array(fc.constantFrom('a', 'b', 'a-b', 'ab', 'é'), { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(fc.array(path, { maxLength: 40 }), (paths) => {
        const out = collapsePaths(paths);
        const set = new Set(out);
        for (const p of paths) expect(coveredBy(set, p)).toBe(true);
        for (const x of out) for (const y of out) if (x !== y) expect(isWithin(x, y)).toBe(false);
        expect(out.every((p) => paths.includes(p))).toBe(true);
      }),
    );
  });
});
