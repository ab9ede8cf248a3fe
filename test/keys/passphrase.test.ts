import { describe, expect, it } from 'vitest';
import { buildClient, CommitmentPolicy } from '../../src-main/engine/crypto/esdk.ts';
import {
  changePassphrase, createVaultKey, KeyUsageError, openVaultKey, openWithRecoveryKey, WrongPassphraseError,
} from '../../src-main/engine/keys/index.ts';
import { makeContext, open, seal } from './support/fixtures.ts';

const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

describe('passphrase provider', () => {
  it('creates a passphrase slot and a recovery slot, and reopens with the passphrase', async () => {
    const ctx = await makeContext({ passphraseText: 'hunter2 but longer' });
    const { key } = await createVaultKey('passphrase', ctx);
    expect([...ctx.store.objects.keys()].sort()).toEqual(['keys/passphrase', 'keys/recovery']);
    const sealed = await seal(await key.encryptKeyring(), 'secret');
    const again = await openVaultKey('passphrase', ctx);
    expect(again.ref).toBe('passphrase');
    expect((await again.status()).provider).toBe('passphrase');
    expect(await open(await again.decryptKeyring(), sealed.ciphertext)).toBe('secret');
  });

  it('a wrong passphrase says so', async () => {
    const ctx = await makeContext({ passphraseText: 'right one' });
    await createVaultKey('passphrase', ctx);
    const err = await openVaultKey('passphrase', { ...ctx, passphrase: async () => 'wrong one' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongPassphraseError);
    expect((err as Error).message).toBe('wrong passphrase');
  });

  it('no passphrase source is a clear error', async () => {
    const ctx = await makeContext();
    await expect(createVaultKey('passphrase', ctx)).rejects.toThrow(/a passphrase is needed: set COFFER_PASSPHRASE/);
    await expect(openVaultKey('passphrase', ctx)).rejects.toBeInstanceOf(KeyUsageError);
  });

  it('changing the passphrase replaces the passphrase slot; the data and the recovery key still open', async () => {
    const ctx = await makeContext({ passphraseText: 'old passphrase' });
    const { key, recoveryKey } = await createVaultKey('passphrase', ctx);
    const sealed = await seal(await key.encryptKeyring(), 'unchanged data');
    const dataObject = Buffer.from(sealed.ciphertext);
    const recoveryBefore = ctx.store.objects.get('keys/recovery');
    const slotBefore = ctx.store.objects.get('keys/passphrase');

    await changePassphrase(key, { ...ctx, passphrase: async () => 'new passphrase' });
    expect(ctx.store.objects.get('keys/passphrase')).not.toEqual(slotBefore);
    await expect(openVaultKey('passphrase', ctx)).rejects.toThrow('wrong passphrase');
    const reopened = await openVaultKey('passphrase', { ...ctx, passphrase: async () => 'new passphrase' });
    expect(await open(await reopened.decryptKeyring(), dataObject)).toBe('unchanged data');
    // The recovery slot is written again (with the key set), and still opens with the same recovery key.
    expect(recoveryBefore).toBeInstanceOf(Buffer);
    const recovered = await openWithRecoveryKey(recoveryKey, ctx);
    expect(await open(await recovered.decryptKeyring(), dataObject)).toBe('unchanged data');
    expect(await reopened.currentVersion()).toBe(1);
  });

  it('records the scrypt parameters in the authenticated encryption context, with the default cost', async () => {
    const ctx = await makeContext({ passphraseText: 'default cost', kdf: undefined });
    const { recoveryKey } = await createVaultKey('passphrase', ctx);
    const slot = ctx.store.objects.get('keys/passphrase') as Buffer;
    const recovery = await openWithRecoveryKey(recoveryKey, ctx);
    expect(await recovery.currentVersion()).toBe(1);
    // Decrypting the slot needs the passphrase; read the header through a successful open.
    const { PassphraseProbe } = await import('./support/passphrase-probe.ts');
    const ec = await PassphraseProbe.context(slot, ctx.vaultId, 'default cost', decrypt);
    expect(ec['coffer:kdf']).toMatch(/^scrypt;N=131072;r=8;p=1;salt=/);
    expect(ec['coffer:vault']).toBe(ctx.vaultId);
    expect(ec['coffer:slot']).toBe('passphrase');
  });

  it('a slot copied from another vault does not open', async () => {
    const a = await makeContext({ passphraseText: 'same passphrase' });
    const b = await makeContext({ passphraseText: 'same passphrase' });
    await createVaultKey('passphrase', a);
    await createVaultKey('passphrase', b);
    b.store.objects.set('keys/passphrase', a.store.objects.get('keys/passphrase') as Buffer);
    // The slot is bound to its own vault: the same passphrase derives a key that does not open it here.
    await expect(openVaultKey('passphrase', b)).rejects.toBeInstanceOf(WrongPassphraseError);
  });
});
