import { describe, expect, it } from 'vitest';
import { baseName, windowsNameProblem } from '../../src-main/engine/fsx/portable-names.ts';

describe('windowsNameProblem', () => {
  it.each([
    ['CON', /CON is a device name/],
    ['con', /CON is a device name/],
    ['aux.c', /AUX is a device name/],
    ['LPT1.txt', /LPT1 is a device name/],
    ['nul.tar.gz', /NUL is a device name/],
    ['COM9', /COM9 is a device name/],
    ['com¹', /COM¹ is a device name/],
    ['prn .txt', /PRN is a device name/],
    ['notes.', /trailing dot or space/],
    ['notes ', /trailing dot or space/],
    ['a<b', /"<"/],
    ['x:colon', /":"/],
    ['what?', /"\?"/],
    ['star*', /"\*"/],
    ['pipe|', /"\|"/],
    ['quote"', /"\\""/],
    ['back\\slash', /"\\\\"/],
    ['tab\there', /control character/],
    ['bell\u0007', /control character/],
  ])('%j cannot be created on Windows', (name, why) => {
    expect(windowsNameProblem(name)).toMatch(why);
  });

  it.each(['console.log', 'auxiliary.c', 'CONFIG', 'COM10', 'LPT', 'com', 'a.b.c', '.hidden', 'space in middle', 'ünïcødé', '日本語.txt', '.', '..'])(
    '%j is fine on Windows', (name) => {
      expect(windowsNameProblem(name)).toBeNull();
    },
  );

  it('baseName takes the last path component', () => {
    expect(baseName('a/b/aux.c')).toBe('aux.c');
    expect(baseName('CON')).toBe('CON');
  });
});
