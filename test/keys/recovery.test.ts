import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRecoveryKey, encodeRecoveryKey } from '../../src-main/engine/keys/recovery-code.ts';
import { createVaultKey, openWithRecoveryKey, RecoveryKeyTypoError } from '../../src-main/engine/keys/index.ts';
import { makeContext, open, seal } from './support/fixtures.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('recovery key text', () => {
  it('round-trips any 32-byte key and looks like CR1- plus 14 groups of 4', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
      const text = encodeRecoveryKey(key);
      expect(text).toMatch(/^CR1(-[0-9A-HJKMNP-TV-Z]{4}){14}$/);
      expect(Buffer.from(decodeRecoveryKey(text))).toEqual(Buffer.from(key));
    }));
  });

  it('accepts lower case, spaces, and O/I/L typed for 0/1', () => {
    const key = new Uint8Array(32).fill(0);
    const text = encodeRecoveryKey(key); // all zeros encode as 0s, except the checksum
    const sloppy = text.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    expect(Buffer.from(decodeRecoveryKey(sloppy))).toEqual(Buffer.from(key));
  });

  it('detects any single changed character', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(55), fc.integer({ min: 1, max: 31 }),
      (key, pos, shift) => {
        const text = encodeRecoveryKey(key);
        const body = text.slice(4).replace(/-/g, '');
        const c = ALPHABET[(ALPHABET.indexOf(body[pos] as string) + shift) % 32] as string;
        const typo = 'CR1-' + body.slice(0, pos) + c + body.slice(pos + 1);
        expect(() => decodeRecoveryKey(typo)).toThrow(/recovery key has a typo/);
      }));
  });

  it('names the problem: prefix, length, character', () => {
    const text = encodeRecoveryKey(new Uint8Array(32).fill(7));
    expect(() => decodeRecoveryKey(text.slice(4))).toThrow(/should start with "CR1-"/);
    expect(() => decodeRecoveryKey(text.slice(0, -1))).toThrow(/expected 56 characters .* found 55/);
    expect(() => decodeRecoveryKey(text.slice(0, -1) + 'U')).toThrow(/"U" is not a valid character/);
    expect(() => decodeRecoveryKey(text.slice(0, -1) + 'U')).toThrow(RecoveryKeyTypoError);
  });
});

describe('recovery slot', () => {
  it('with only the recovery key and the bucket, a new machine can read the data', async () => {
    const ctx = await makeContext({ passphraseText: 'forgotten later' });
    const { key, recoveryKey } = await createVaultKey('passphrase', ctx);
    await key.rotate();
    const sealed = await seal(await key.encryptKeyring(), 'family photos');
    // A new machine: same bucket, empty state folder, no passphrase.
    const fresh = await makeContext({ vaultId: ctx.vaultId, store: ctx.store });
    const recovered = await openWithRecoveryKey(recoveryKey, fresh);
    expect((await recovered.status()).provider).toBe('recovery');
    expect(await recovered.currentVersion()).toBe(2);
    expect(await open(await recovered.decryptKeyring(), sealed.ciphertext)).toBe('family photos');
  });

  it('a typo is caught before the bucket is read; a valid key of another vault is refused', async () => {
    const ctx = await makeContext({ passphraseText: 'p' });
    const { recoveryKey } = await createVaultKey('passphrase', ctx);
    const typo = recoveryKey.slice(0, 10) + (recoveryKey[10] === 'A' ? 'B' : 'A') + recoveryKey.slice(11);
    await expect(openWithRecoveryKey(typo, ctx)).rejects.toThrow(/recovery key has a typo/);
    const other = encodeRecoveryKey(new Uint8Array(32).fill(1));
    await expect(openWithRecoveryKey(other, ctx)).rejects.toThrow(/does not open this vault/);
  });

  it('creating a vault over an existing one is refused', async () => {
    const ctx = await makeContext({ passphraseText: 'p' });
    await createVaultKey('passphrase', ctx);
    await expect(createVaultKey('passphrase', ctx)).rejects.toThrow(/already holds a vault key/);
  });
});
