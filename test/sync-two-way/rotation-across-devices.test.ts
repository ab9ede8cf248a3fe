// Two devices of one owner, each keeping the vault key in its own (real) OS keychain entry: a rotation on one
// must reach the other, or the other could not read what was written after it. The rotating device writes
// the recovery slot first; the other adopts the new version from there on its next open.
import { afterEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initVault, openVault, rotateKey, syncOnce, keyStatus, type OpenVault } from '../../src-main/engine/api.ts';
import { joinVault } from '../../src-main/engine/use-cases/join-ops.ts';
import { keychainSkipReason, uniqueName } from '../keys/support/keychain-env.ts';
import { teamSandbox } from '../team/support.ts';

const skip = keychainSkipReason();

describe.skipIf(skip !== undefined)(`a key rotation across two keychain devices${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const open: OpenVault[] = [];
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    for (const v of open.splice(0)) await v.close();
    await cleanup?.();
  });

  it('the second device adopts the version the first one rotated to, and reads what was written under it', async () => {
    const t = await teamSandbox('file');
    cleanup = t.cleanup;
    const [desk, laptop] = await Promise.all([t.client('desk'), t.client('laptop')]);
    await writeFile(join(desk.folder, 'before.txt'), 'written under version 1');
    const { vault: a, recoveryKey } = await initVault(desk.env, { folder: desk.folder, remote: t.remote, keyRef: `keychain:${uniqueName('desk')}` });
    open.push(a);
    await syncOnce(a);
    const joined = await joinVault(laptop.env, { folder: laptop.folder, remote: t.remote, recoveryKey, saveKeyRef: `keychain:${uniqueName('laptop')}` });
    await joined.vault.close();

    await rotateKey(a);
    await writeFile(join(desk.folder, 'after.txt'), 'written under version 2');
    await syncOnce(a);
    const written = [...(await a.tree()).tree.values()].find((e) => e.path === 'after.txt');
    expect(written?.keyVersion).toBe(2);

    const b = await openVault(laptop.env, laptop.folder);
    open.push(b);
    expect(await b.key.currentVersion()).toBe(2);
    const r = await syncOnce(b);
    expect(r.pulled).toBe(1);
    expect(await readFile(join(laptop.folder, 'after.txt'), 'utf8')).toBe('written under version 2');
    // Its own keychain entry holds the new version now: the next open needs no catching up.
    await b.close();
    open.pop();
    const again = await openVault(laptop.env, laptop.folder);
    open.push(again);
    expect((await keyStatus(again)).versions.find((v) => v.current)?.version).toBe(2);
  });
});
