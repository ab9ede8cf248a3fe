import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restoredMode } from '../../src-main/engine/restore/restored-mode.ts';
import { isLeftoverTemp, removeLeftoverTemps, restoreTempName } from '../../src-main/engine/restore/leftover-temps.ts';

describe('restoredMode', () => {
  it.each([
    [0o104755, 'file', false, 0o755],
    [0o102755, 'file', false, 0o755],
    [0o100777, 'file', false, 0o775],
    [0o100640, 'file', false, 0o640],
    [0o041777, 'dir', false, 0o775],
    [0o040777, 'dir', false, 0o775],
    [0o040555, 'dir', false, 0o755], // owner rwx kept so the restore can write inside
    [0o104755, 'file', true, 0o4755],
    [0o106777, 'file', true, 0o6777],
    [0o041777, 'dir', true, 0o1777],
    [0o040777, 'dir', true, 0o777],
    [0o042755, 'dir', true, 0o2755],
  ] as const)('%o (%s, preserve %s) -> %o', (mode, kind, preserve, want) => {
    expect(restoredMode(mode, kind, preserve)).toBe(want);
  });
});

describe('leftover restore temp files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-leftovers-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('recognises only the names Coffer makes', () => {
    expect(isLeftoverTemp(restoreTempName())).toBe(true);
    expect(isLeftoverTemp('.coffer-case-probe-0123456789ab')).toBe(true);
    for (const name of ['.coffer-restore-x.tmp', 'coffer-restore-0123456789abcdef.tmp', '.coffer-restore-0123456789abcdef.tmp~', 'a.tmp']) {
      expect(isLeftoverTemp(name)).toBe(false);
    }
  });

  it('removes them from the named folders only, keeps folders and symlinked folders alone', async () => {
    const temp = restoreTempName();
    await mkdir(join(dir, 'a/b'), { recursive: true });
    await mkdir(join(dir, 'elsewhere/c'), { recursive: true });
    await writeFile(join(dir, temp), 'plaintext');
    await writeFile(join(dir, 'a/b', temp), 'plaintext');
    await writeFile(join(dir, 'a/b/user.tmp'), 'mine');
    await mkdir(join(dir, 'a', restoreTempName())); // a folder with the name: not Coffer's, kept
    await writeFile(join(dir, 'elsewhere/c', temp), 'not under a folder this restore writes');
    await symlink(join(dir, 'elsewhere/c'), join(dir, 'a/link'));
    expect(await removeLeftoverTemps(dir, ['a/b', 'a/link', 'missing/x'])).toBe(2);
    expect(await readdir(dir)).not.toContain(temp);
    expect(await readdir(join(dir, 'a/b'))).toEqual(['user.tmp']);
    expect(await readdir(join(dir, 'elsewhere/c'))).toEqual([temp]);
    expect((await readdir(join(dir, 'a'))).length).toBe(3);
  });

  it('with modifiedBefore, spares a temp file written since then (a restore still running) and removes an older one', async () => {
    const running = restoreTempName();
    const crashed = restoreTempName();
    await writeFile(join(dir, running), 'being written');
    await writeFile(join(dir, crashed), 'left by a kill');
    const hourAgo = Date.now() - 60 * 60 * 1000;
    const old = new Date(hourAgo - 60_000);
    await utimes(join(dir, crashed), old, old);
    expect(await removeLeftoverTemps(dir, [], { modifiedBefore: hourAgo })).toBe(1);
    expect(await readdir(dir)).toEqual([running]);
  });
});
