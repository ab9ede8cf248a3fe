import { describe, expect, it } from 'vitest';
import { KeyUnavailableError } from '../../src-main/engine/ports/key-provider.ts';
import { createVaultKey, KeyUsageError, openVaultKey, openWithRecoveryKey } from '../../src-main/engine/keys/index.ts';
import { makeContext, open, seal } from './support/fixtures.ts';

async function newKey() {
  const ctx = await makeContext({ passphraseText: 'rotation test' });
  const { key, recoveryKey } = await createVaultKey('passphrase', ctx);
  return { ctx, key, recoveryKey };
}

const keyNameOf = (edk: { providerInfo: string }) => /^[^\0]*/.exec(edk.providerInfo)?.[0];

describe('rotation', () => {
  it('data wrapped under v1 opens after rotating to v2, and new data is wrapped under v2', async () => {
    const { ctx, key } = await newKey();
    const old = await seal(await key.encryptKeyring(), 'old file');
    expect(old.edks.map((e) => [e.providerId, keyNameOf(e)])).toEqual([[`coffer:${ctx.vaultId}`, 'vault-key/v1']]);

    const st = await key.rotate();
    expect(await key.currentVersion()).toBe(2);
    expect(st.versions.map((v) => [v.version, v.current])).toEqual([[1, false], [2, true]]);

    const fresh = await seal(await key.encryptKeyring(), 'new file');
    expect(fresh.edks.map(keyNameOf)).toEqual(['vault-key/v2']);
    expect(await open(await key.decryptKeyring(), old.ciphertext)).toBe('old file');
    expect(await open(await key.decryptKeyring(), fresh.ciphertext)).toBe('new file');
  });

  it('rotation reaches the slots: reopening by passphrase and by recovery key both hold v2', async () => {
    const { ctx, key, recoveryKey } = await newKey();
    await key.rotate();
    const sealed = await seal(await key.encryptKeyring(), 'after rotation');
    for (const reopened of [await openVaultKey('passphrase', ctx), await openWithRecoveryKey(recoveryKey, ctx)]) {
      expect(await reopened.currentVersion()).toBe(2);
      expect(await open(await reopened.decryptKeyring(), sealed.ciphertext)).toBe('after rotation');
    }
  });

  it('rotation is audited', async () => {
    const { ctx, key } = await newKey();
    await key.rotate();
    const ops = (await ctx.audit.list()).map((e) => [e.op, e.version]);
    expect(ops).toContainEqual(['create', 1]);
    expect(ops).toContainEqual(['rotate', 2]);
    expect(await ctx.audit.verify()).toEqual({ ok: true });
  });

  it('rotateIfDue rotates only once the period has passed', async () => {
    const { ctx, key } = await newKey();
    await key.setRotationPeriod(90);
    ctx.clock.advanceDays(89);
    expect(await key.rotateIfDue()).toBe(false);
    ctx.clock.advanceDays(1);
    expect(await key.rotateIfDue()).toBe(true);
    expect(await key.currentVersion()).toBe(2);
    expect(await key.rotateIfDue()).toBe(false);
    const st = await key.status();
    expect(st.rotation?.periodDays).toBe(90);
    expect(Date.parse(st.rotation?.nextRotation ?? '')).toBe(ctx.clock.now() + 90 * 86_400_000);
  });

  it('the rotation period must be 90 to 2560 days', async () => {
    const { key } = await newKey();
    expect((await key.status()).rotation?.periodDays).toBe(365);
    await expect(key.setRotationPeriod(89)).rejects.toThrow(/90 to 2560/);
    await expect(key.setRotationPeriod(2561)).rejects.toThrow(KeyUsageError);
    expect((await key.setRotationPeriod(2560)).rotation?.periodDays).toBe(2560);
  });

  it('a data key wrapped with a version the key set does not hold gets a clear error', async () => {
    const { ctx, key, recoveryKey } = await newKey();
    const stale = await openWithRecoveryKey(recoveryKey, ctx); // holds only v1
    await key.rotate();
    const sealed = await seal(await key.encryptKeyring(), 'v2 data');
    await expect(open(await stale.decryptKeyring(), sealed.ciphertext))
      .rejects.toThrow(/wrapped with vault key version 2, which this key set does not hold \(it holds 1\)/);
    expect((await ctx.audit.list()).some((e) => e.op === 'unwrap-failed' && e.version === 2)).toBe(true);
  });
});

describe('scheduled deletion', () => {
  it('accepts 7 to 30 days only', async () => {
    const { key } = await newKey();
    await expect(key.scheduleDeletion(6)).rejects.toThrow(/7 to 30 days, got 6/);
    await expect(key.scheduleDeletion(31)).rejects.toThrow(/7 to 30 days, got 31/);
    expect((await key.status()).state).toBe('enabled');
    const st = await key.scheduleDeletion(7);
    expect(st.state).toBe('pending-deletion');
  });

  it('refuses a key still in use unless forced', async () => {
    const { key } = await newKey();
    await expect(key.scheduleDeletion(10, { inUse: true })).rejects.toThrow(/still protects data/);
    expect((await key.scheduleDeletion(10, { inUse: true, force: true })).state).toBe('pending-deletion');
  });

  it('while pending, wrapping and unwrapping are refused and every attempt is audited', async () => {
    const { ctx, key } = await newKey();
    const sealed = await seal(await key.encryptKeyring(), 'x');
    const st = await key.scheduleDeletion(14);
    expect(st.deletionDate).toBe(new Date(ctx.clock.now() + 14 * 86_400_000).toISOString());
    await expect(key.encryptKeyring()).rejects.toBeInstanceOf(KeyUnavailableError);
    await expect(key.encryptKeyring()).rejects.toThrow(/scheduled for deletion/);
    await expect(key.decryptKeyring()).rejects.toBeInstanceOf(KeyUnavailableError);
    const refused = (await ctx.audit.list()).filter((e) => e.detail?.startsWith('refused'));
    expect(refused.map((e) => e.op)).toEqual(['wrap', 'wrap', 'unwrap']);
    // The pending state is in the slots too: another device sees it.
    expect((await openVaultKey('passphrase', ctx).then((k) => k.status())).state).toBe('pending-deletion');

    await key.cancelDeletion();
    expect(await open(await key.decryptKeyring(), sealed.ciphertext)).toBe('x');
    expect((await ctx.audit.list()).map((e) => e.op)).toContain('cancel-deletion');
  });

  it('a key pending deletion cannot be rotated', async () => {
    const { key } = await newKey();
    await key.scheduleDeletion(30);
    await expect(key.rotate()).rejects.toThrow(/cannot rotate .* scheduled for deletion .* cancel the deletion first/);
    expect(await key.rotateIfDue()).toBe(false);
    expect(await key.currentVersion()).toBe(1);
  });

  it('cancelling when nothing is scheduled is a clear error', async () => {
    const { key } = await newKey();
    await expect(key.cancelDeletion()).rejects.toThrow(/not scheduled for deletion/);
  });

  it('when the date comes the key material is destroyed, slots included', async () => {
    const { ctx, key, recoveryKey } = await newKey();
    await key.scheduleDeletion(7);
    ctx.clock.advanceDays(7);
    await expect(key.encryptKeyring()).rejects.toThrow(/was deleted on/);
    expect((await key.status()).state).toBe('missing');
    expect([...ctx.store.objects.keys()].filter((k) => k.startsWith('keys/'))).toEqual([]);
    await expect(openWithRecoveryKey(recoveryKey, ctx)).rejects.toThrow(/no recovery slot/);
  });
});
