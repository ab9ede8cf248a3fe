// The passphrase slot's scrypt parameters remembered on this machine, so scrypt starts before the slot
// is fetched: the slot's own parameters still decide, and a wrong passphrase is still named as such.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVaultKey, openVaultKey, saveToProvider, WrongPassphraseError } from '../../src-main/engine/keys/index.ts';
import { openPassphraseSlot } from '../../src-main/engine/keys/key-slots.ts';
import { readKdfHint } from '../../src-main/engine/keys/passphrase-kdf-hint.ts';
import { encodeKdf } from '../../src-main/engine/keys/passphrase-kdf.ts';
import { makeContext } from './support/fixtures.ts';

const PASS = 'the right passphrase';

async function passphraseVault() {
  const ctx = await makeContext({ passphraseText: PASS });
  await createVaultKey('passphrase', ctx);
  return ctx;
}

describe('the scrypt hint of a passphrase vault', () => {
  it('is saved at the first open, and the next open derives before the slot is read', async () => {
    const ctx = await passphraseVault();
    expect(readKdfHint(ctx.stateDir)).toBeNull();
    const first = await openVaultKey('passphrase', ctx);
    const hint = readKdfHint(ctx.stateDir);
    expect(hint).not.toBeNull();
    const opened = await openPassphraseSlot(ctx.store, ctx.vaultId, PASS, { expectedKdf: hint! });
    expect(opened.derivedEarly).toBe(true);
    expect(encodeKdf(opened.secret.kdf)).toBe(encodeKdf(hint!));
    expect(opened.set.current).toBe((await first.currentVersion()));
  });

  it('with the hint in place, a wrong passphrase is still a wrong passphrase', async () => {
    const ctx = await passphraseVault();
    await openVaultKey('passphrase', ctx);
    expect(readKdfHint(ctx.stateDir)).not.toBeNull();
    await expect(openVaultKey('passphrase', { ...ctx, passphrase: async () => 'not it' })).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('a stale hint (the passphrase changed on another device) is not used, and is replaced', async () => {
    const ctx = await passphraseVault();
    const key = await openVaultKey('passphrase', ctx);
    const stale = readKdfHint(ctx.stateDir);
    // Another device changes the passphrase: a new slot, with a new salt.
    await saveToProvider(key, 'passphrase', { ...ctx, stateDir: `${ctx.stateDir}-other`, passphrase: async () => 'the new passphrase' });
    const opened = await openPassphraseSlot(ctx.store, ctx.vaultId, 'the new passphrase', { expectedKdf: stale! });
    expect(opened.derivedEarly).toBe(false);
    await openVaultKey('passphrase', { ...ctx, passphrase: async () => 'the new passphrase' });
    expect(encodeKdf((readKdfHint(ctx.stateDir))!)).toBe(encodeKdf(opened.secret.kdf));
    expect(encodeKdf(opened.secret.kdf)).not.toBe(encodeKdf(stale!));
  });

  it('a damaged hint, or one outside the accepted scrypt limits, is ignored and rewritten', async () => {
    const ctx = await passphraseVault();
    const file = join(ctx.stateDir, 'passphrase-kdf');
    for (const junk of ['not a kdf\n', 'scrypt;N=1048576;r=32;p=1;salt=AAAAAAAAAAAAAAAAAAAAAA==\n']) {
      await writeFile(file, junk);
      expect(readKdfHint(ctx.stateDir)).toBeNull();
      await openVaultKey('passphrase', ctx);
      expect(await readFile(file, 'utf8')).toMatch(/^scrypt;N=4096;r=8;p=1;salt=[A-Za-z0-9+/=]+\n$/);
    }
  });
});
