import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { AsyncEntry } from '@napi-rs/keyring';
import {
  createVaultKey, openVaultKey, openWithRecoveryKey, saveToProvider,
} from '../../src-main/engine/keys/index.ts';
import { keychainSkipReason, uniqueName } from './support/keychain-env.ts';
import { makeContext, open, seal } from './support/fixtures.ts';

const run = promisify(execFile);
const skip = keychainSkipReason();

describe.skipIf(skip !== undefined)(`keychain provider${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('this worker talks to the private gnome-keyring of the global setup', () => {
    const info = inject('keyringService');
    expect(info.busAddress).toMatch(/^unix:/);
    expect(process.env.DBUS_SESSION_BUS_ADDRESS).toBe(info.busAddress);
  });

  it('stores the key set in the keychain item coffer/<name>, and reopens from it', async () => {
    const ctx = await makeContext();
    const name = uniqueName('kc');
    const { key } = await createVaultKey(`keychain:${name}`, ctx);
    const raw = await new AsyncEntry('coffer', name).getPassword();
    expect(JSON.parse(raw ?? '{}')).toMatchObject({ format: 'coffer-key-set', vaultId: ctx.vaultId, current: 1 });
    const sealed = await seal(await key.encryptKeyring(), 'in the keychain');
    const again = await openVaultKey(`keychain:${name}`, ctx);
    expect(await open(await again.decryptKeyring(), sealed.ciphertext)).toBe('in the keychain');
    // The keychain provider keeps no passphrase slot, only the recovery slot.
    expect([...ctx.store.objects.keys()]).toEqual(['keys/recovery']);
  });

  it('a corrupted keychain entry is a clear error that points to the recovery key', async () => {
    const ctx = await makeContext();
    const name = uniqueName('corrupt');
    await createVaultKey(`keychain:${name}`, ctx);
    await new AsyncEntry('coffer', name).setPassword('{"format":"coffer-key-set","v":1,"vaultId":');
    await expect(openVaultKey(`keychain:${name}`, ctx)).rejects.toThrow(/keychain entry coffer\/.* is damaged .*restore it with your recovery key/);
    await new AsyncEntry('coffer', name).setPassword(JSON.stringify({ format: 'coffer-key-set', v: 1 }));
    await expect(openVaultKey(`keychain:${name}`, ctx)).rejects.toThrow(/is damaged/);
  });

  it('an empty keychain on a new machine: recover with the recovery key, then save into the keychain', async () => {
    const ctx = await makeContext({ passphraseText: 'first machine' });
    const { key, recoveryKey } = await createVaultKey('passphrase', ctx);
    const sealed = await seal(await key.encryptKeyring(), 'moved');
    const name = uniqueName('newmachine');
    const fresh = await makeContext({ vaultId: ctx.vaultId, store: ctx.store });
    await expect(openVaultKey(`keychain:${name}`, fresh)).rejects.toMatchObject({ name: 'KeychainEmptyError', message: expect.stringMatching(/is empty on this machine, .*its recovery key opens it/) });
    const recovered = await openWithRecoveryKey(recoveryKey, fresh);
    const saved = await saveToProvider(recovered, `keychain:${name}`, fresh);
    expect(saved.ref).toBe(`keychain:${name}`);
    const reopened = await openVaultKey(`keychain:${name}`, fresh);
    expect(await open(await reopened.decryptKeyring(), sealed.ciphertext)).toBe('moved');
    expect((await fresh.audit.list()).some((e) => e.op === 'rewrap' && e.key === `keychain:${name}`)).toBe(true);
  });

  it('moving keychain -> passphrase -> keychain rewrites only key storage, never data', async () => {
    const ctx = await makeContext({ passphraseText: 'moving' });
    const name = uniqueName('move');
    const { key } = await createVaultKey(`keychain:${name}`, ctx);
    const sealed = await seal(await key.encryptKeyring(), 'stays put');
    const asPassphrase = await saveToProvider(key, 'passphrase', ctx);
    expect(await new AsyncEntry('coffer', name).getPassword()).toBeNull();
    expect(ctx.store.objects.has('keys/passphrase')).toBe(true);
    const back = await saveToProvider(asPassphrase, `keychain:${name}`, ctx);
    expect(ctx.store.objects.has('keys/passphrase')).toBe(false);
    expect(await open(await back.decryptKeyring(), sealed.ciphertext)).toBe('stays put');
  });

  it('refuses to overwrite a keychain entry that holds another vault', async () => {
    const a = await makeContext();
    const b = await makeContext();
    const name = uniqueName('taken');
    await createVaultKey(`keychain:${name}`, a);
    await expect(createVaultKey(`keychain:${name}`, b)).rejects.toThrow(/already holds another key; choose another name/);
    expect(await (await openVaultKey(`keychain:${name}`, a)).currentVersion()).toBe(1);
  });
});

describe('no Secret Service', () => {
  it('refuses with a clear message and writes nothing', async () => {
    const child = fileURLToPath(new URL('./support/no-bus-child.ts', import.meta.url));
    const loader = fileURLToPath(new URL('../support/ts-loader.mjs', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', loader, child], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/coffer-no-bus' },
    });
    const out = JSON.parse(stdout) as { create: { name: string; message: string }; open: { message: string }; objects: number };
    expect(out.create.name).toBe('KeychainUnavailableError');
    expect(out.create.message).toMatch(/^no secure OS keychain available \(/);
    expect(out.open.message).toMatch(/^no secure OS keychain available/);
    expect(out.objects).toBe(0);
  });
});
