import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import { UnsafePathError, detectCollisions, resolveRestoreTarget, type TargetRules } from '../../src-main/engine/restore/safe-path.ts';

const to = resolve('/tmp/coffer-restore-target');

const WINDOWS: TargetRules = { windowsNames: true };
const POSIX: TargetRules = { windowsNames: false };

function reasonOf(p: string, rules: TargetRules = POSIX): string {
  try {
    resolveRestoreTarget(to, p, rules);
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(UnsafePathError);
    return (err as UnsafePathError).reason;
  }
}

describe('resolveRestoreTarget', () => {
  it.each([
    ['../x', 'dot-segment'],
    ['/etc/x', 'absolute'],
    ['a/../../x', 'dot-segment'],
    ['a\\..\\x', 'backslash'],
    ['a\0b', 'nul'],
    ['C:/Windows/x', 'absolute'],
    ['', 'empty'],
    ['a//b', 'empty-segment'],
    ['a/', 'empty-segment'],
    ['./a', 'dot-segment'],
    ['a'.repeat(256), 'name-too-long'],
    ['é'.repeat(128), 'name-too-long'], // 256 bytes in UTF-8, though only 128 characters
  ])('refuses %j (%s) on every OS', (p, reason) => {
    expect(reasonOf(p, POSIX)).toBe(reason);
    expect(reasonOf(p, WINDOWS)).toBe(reason);
  });

  const windowsOnly = [
    ['x:stream', 'drive-letter'],
    ['c:', 'drive-letter'],
    ['D:notes/a.txt', 'drive-letter'],
    ['CON', 'reserved-name'],
    ['con.txt', 'reserved-name'],
    ['aux', 'reserved-name'],
    ['aux.c', 'reserved-name'],
    ['dir/Lpt9.tar.gz', 'reserved-name'],
    ['COM¹', 'reserved-name'],
    ['nul .txt', 'reserved-name'],
    ['name.', 'trailing-dot-or-space'],
    ['dir /x', 'trailing-dot-or-space'],
  ];
  it.each(windowsOnly)('refuses %j (%s) when restoring on Windows', (p, reason) => {
    expect(reasonOf(p!, WINDOWS)).toBe(reason);
  });
  it.each(windowsOnly)('restores %j on Linux and macOS, where it is an ordinary name', (p) => {
    expect(resolveRestoreTarget(to, p!, POSIX)).toBe(join(to, ...p!.split('/')));
  });

  it.each(['a', 'a/b/c.txt', 'console', 'CONSOLE.log', 'com10', 'lpt', '.hidden', 'a..b', 'x'.repeat(255), 'café/naïve ☃.txt'])(
    'accepts %j inside the target',
    (p) => {
      expect(resolveRestoreTarget(to, p)).toBe(join(to, ...p.split('/')));
    },
  );

  it('a drive-letter name such as "x:stream" is not called an absolute path', () => {
    expect(() => resolveRestoreTarget(to, 'x:stream', WINDOWS)).toThrow(
      'unsafe restore path "x:stream": starts with "x:", which Windows reads as drive X (and a colon in a name as an alternate data stream), not as a name inside the restore folder');
  });

  it.each(['ab:c', 'notes/x:stream', '10:30 meeting.txt'])('accepts %j: a colon after the first letter is an ordinary name here', (p) => {
    expect(resolveRestoreTarget(to, p)).toBe(join(to, ...p.split('/')));
  });

  it('the error names the path and the reason', () => {
    expect(() => resolveRestoreTarget(to, 'a/../../etc/passwd')).toThrow(/unsafe restore path "a\/..\/..\/etc\/passwd"/);
  });

  it('property: any string is refused or lands strictly inside toDir', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '', 'CON', 'a', 'b.', ' ', '\\', '\0', 'nul.txt', 'x\\..', 'C:'),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
    );
    const path = fc.oneof(fc.string({ unit: 'binary' }), fc.array(segment, { maxLength: 6 }).map((s) => s.join('/')));
    fc.assert(
      fc.property(path, (p) => {
        let target: string;
        try {
          target = resolveRestoreTarget(to, p);
        } catch (err) {
          return err instanceof UnsafePathError;
        }
        const rel = relative(to, target);
        return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && target.startsWith(to + sep);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('detectCollisions', () => {
  const nfc = 'caf\u00e9.txt';
  const nfd = 'cafe\u0301.txt';

  it('finds an NFC/NFD pair', () => {
    expect(detectCollisions([nfc, nfd, 'other'])).toEqual([{ paths: [nfc, nfd].sort(), reason: 'unicode-normalization' }]);
  });

  it('finds a case pair, including one that differs only in a parent folder', () => {
    expect(detectCollisions(['Readme.md', 'README.md', 'x'])).toEqual([{ paths: ['README.md', 'Readme.md'], reason: 'case' }]);
    expect(detectCollisions(['Docs/a.txt', 'docs/a.txt'])).toEqual([{ paths: ['Docs/a.txt', 'docs/a.txt'], reason: 'case' }]);
  });

  it('finds a file that collides with another path\'s folder', () => {
    expect(detectCollisions(['notes', 'Notes/today.txt'])).toEqual([{ paths: ['Notes', 'notes'], reason: 'case' }]);
  });

  it('reports both kinds when a group mixes them', () => {
    const got = detectCollisions([nfc, nfd, 'CAF\u00c9.txt']);
    expect(got).toContainEqual({ paths: [nfc, nfd].sort(), reason: 'unicode-normalization' });
    expect(got).toContainEqual({ paths: ['CAF\u00c9.txt', nfc, nfd].sort(), reason: 'case' });
  });

  it('is quiet for distinct names and for folders that only share a case-folded name', () => {
    expect(detectCollisions(['a', 'b', 'c/x', 'C2/y'])).toEqual([]);
    expect(detectCollisions(['A/x', 'a/y'])).toEqual([]);
    expect(detectCollisions(['same', 'same'])).toEqual([]);
  });
});
