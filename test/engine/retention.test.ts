import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { MaintainedSyncer } from '../support/maintained-syncer.ts';
import { OBJECTS_PREFIX } from '../../src-main/engine/objects/object-keys.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { sandbox, type Sandbox } from './harness.ts';

const DAY = 86_400_000;

async function objectCount(vault: LocalVault): Promise<number> {
  let n = 0;
  for await (const _o of vault.store.list(OBJECTS_PREFIX)) n++;
  return n;
}

describe('retention (30 days by default) and garbage collection', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('keeps every version inside the window and the state at its start; frees what only older roots used', async () => {
    sb = await sandbox();
    const clock = new FakeClock(Date.now());
    const env = { ...sb.env, clock };
    await writeFile(join(sb.folder, 'a.txt'), 'a, version one');
    await writeFile(join(sb.folder, 'b.txt'), 'b, soon deleted');
    const { vault } = await LocalVault.init(env, { folder: sb.folder, remote: `file://${join(sb.root, 'remote')}`, keyRef: 'passphrase' });
    const syncer = new MaintainedSyncer(vault);
    const t0 = clock.now();
    await syncer.sync(); // root 1

    clock.setNow(t0 + 5 * DAY);
    await writeFile(join(sb.folder, 'a.txt'), 'a, version two');
    await rm(join(sb.folder, 'b.txt'));
    await syncer.sync(); // root 2 (a daily prune runs too, with nothing old enough)
    const before = await objectCount(vault);

    clock.setNow(t0 + 40 * DAY);
    await writeFile(join(sb.folder, 'a.txt'), 'a, version three');
    const third = await syncer.sync(); // root 3, and a prune: the cutoff is day 10
    await syncer.close();

    // Root 2 (day 5) is the state at the cutoff and stays; root 1 and what only it reached are gone.
    expect(third.pruned).toMatchObject({ rootsDeleted: 1 });
    expect(third.pruned!.objectsDeleted).toBeGreaterThan(0);
    expect(await objectCount(vault)).toBeLessThan(before + 3);
    const versions = await vault.versions('a.txt');
    expect(versions.map((v) => v.entry?.size)).toEqual([16, 14]);
    const atDay6 = join(sb.root, 'day6');
    expect((await vault.restore(atDay6, { at: new Date(t0 + 6 * DAY) })).problems).toEqual([]);
    expect(await vault.restore(join(sb.root, 'day1'), { at: new Date(t0 + DAY) }).catch((e: Error) => e.message)).toMatch(/no version as old/);
    expect(await vault.versions('b.txt')).toEqual([]);
    expect((await vault.verify()).bad).toEqual([]);
    await vault.close();
  });
});
