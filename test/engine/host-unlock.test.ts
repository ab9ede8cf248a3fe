import { describe, it, expect, afterEach } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import { createDispatcher } from '../../src-main/ipc/dispatch.ts';
import { sandbox, initVault, type Sandbox } from './harness.ts';

describe('the app engine with a passphrase vault and no passphrase at start', () => {
  let sb: Sandbox;
  const saved = process.env.COFFER_PASSPHRASE;
  afterEach(async () => {
    if (saved === undefined) delete process.env.COFFER_PASSPHRASE;
    else process.env.COFFER_PASSPHRASE = saved;
    await sb?.cleanup();
  });

  it('starts locked, refuses a wrong passphrase, and opens the vault with the right one (through the IPC dispatcher)', async () => {
    sb = await sandbox('the right passphrase');
    await writeFile(join(sb.folder, 'a.txt'), 'a');
    const { vault } = await initVault(sb, 'file');
    await vault.close();
    delete process.env.COFFER_PASSPHRASE;

    const host = await openVaultHost({ stateDir: sb.home });
    expect(host.service()).toBeNull();
    expect(host.isLocked()).toBe(true);
    const dispatch = createDispatcher({ host });
    const locked = await dispatch('status', {});
    expect(locked).toMatchObject({ ok: false, error: { code: 'key-unavailable' } });
    expect(await dispatch('createVault', { folder: sb.folder, remote: `file://${sb.root}/other`, keyRef: 'passphrase', passphrase: 'x'.repeat(12) }))
      .toMatchObject({ ok: false, error: { code: 'invalid-request' } });

    const wrong = await dispatch('unlock', { passphrase: 'not it' });
    expect(wrong).toMatchObject({ ok: false, error: { message: expect.stringMatching(/wrong passphrase/i) } });
    expect(host.isLocked()).toBe(true);

    expect(await dispatch('unlock', { passphrase: 'the right passphrase' })).toMatchObject({ ok: true });
    expect(host.isLocked()).toBe(false);
    const status = await dispatch('status', {});
    expect(status).toMatchObject({ ok: true, value: { folder: sb.folder } });
    expect(await dispatch('unlock', { passphrase: 'again' })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    await host.close();
  });

  it('opens with the recovery key instead of the passphrase, refuses a wrong key, and takes exactly one of the two', async () => {
    sb = await sandbox('a passphrase nobody remembers');
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const { vault, recoveryKey } = await initVault(sb, 'file');
    await vault.close();
    delete process.env.COFFER_PASSPHRASE;

    const host = await openVaultHost({ stateDir: sb.home });
    expect(host.isLocked()).toBe(true);
    const dispatch = createDispatcher({ host });
    expect(await dispatch('unlock', { passphrase: 'x', recoveryKey })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await dispatch('unlock', {})).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    // Another vault's recovery key has the right shape but opens nothing here.
    const other = await sandbox();
    const { vault: otherVault, recoveryKey: otherKey } = await initVault(other, 'file');
    await otherVault.close();
    await other.cleanup();
    const wrong = await dispatch('unlock', { recoveryKey: otherKey });
    expect(wrong).toMatchObject({ ok: false });
    expect(JSON.stringify(wrong)).not.toContain(otherKey);
    expect(host.isLocked()).toBe(true);

    expect(await dispatch('unlock', { recoveryKey: `  ${recoveryKey}\n` })).toMatchObject({ ok: true });
    expect(host.isLocked()).toBe(false);
    const synced = await dispatch('syncNow', {});
    expect(synced).toMatchObject({ ok: true, value: { errors: 0 } });
    expect(await dispatch('status', {})).toMatchObject({ ok: true, value: { folder: sb.folder, files: 1, state: 'up-to-date' } });
    await host.close();

    // The passphrase still opens the vault afterwards: the recovery key changed none of the key's copies.
    process.env.COFFER_PASSPHRASE = 'a passphrase nobody remembers';
    const again = await openVaultHost({ stateDir: sb.home });
    expect(again.service()).not.toBeNull();
    await again.close();
  });
});
