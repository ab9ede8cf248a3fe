// A passphrase slot from a hostile or damaged bucket: refused before scrypt runs, and named for what it is.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVaultKey, openVaultKey, WrongPassphraseError } from '../../src-main/engine/keys/index.ts';
import { CorruptKeySetError } from '../../src-main/engine/keys/key-errors.ts';
import { openPassphraseSlot, slotKey, writeSlot } from '../../src-main/engine/keys/key-slots.ts';
import { decodeKdf, DEFAULT_SCRYPT, deriveKey } from '../../src-main/engine/keys/passphrase-kdf.ts';
import { makeContext } from './support/fixtures.ts';

const PASS = 'the right passphrase';

async function vaultWithSlot() {
  const ctx = await makeContext({ passphraseText: PASS });
  await createVaultKey('passphrase', ctx);
  const slot = () => ctx.store.objects.get(slotKey('passphrase')) as Buffer;
  const setSlot = (b: Buffer) => ctx.store.objects.set(slotKey('passphrase'), b);
  return { ctx, slot, setSlot };
}

describe('scrypt parameters in a passphrase slot', () => {
  it.each([
    ['N=2^20, r=32 (4 GiB)', 'scrypt;N=1048576;r=32;p=1;salt=AAAAAAAAAAAAAAAAAAAAAA=='],
    ['N=2^19', 'scrypt;N=524288;r=8;p=1;salt=AAAAAAAAAAAAAAAAAAAAAA=='],
    ['p=16', 'scrypt;N=1024;r=8;p=16;salt=AAAAAAAAAAAAAAAAAAAAAA=='],
    ['r=1', 'scrypt;N=131072;r=1;p=1;salt=AAAAAAAAAAAAAAAAAAAAAA=='],
    ['N not a power of two', 'scrypt;N=131071;r=8;p=1;salt=AAAAAAAAAAAAAAAAAAAAAA=='],
    ['an 8-byte salt', 'scrypt;N=131072;r=8;p=1;salt=AAAAAAAAAAA='],
  ])('refuses %s without running scrypt', (_label, text) => {
    expect(() => decodeKdf(text)).toThrow(/Coffer accepts only N=2\^10\.\.2\^18, r=8, p=1 .*did not run it/);
  });

  it('accepts what Coffer writes', () => {
    const salt = 'AAAAAAAAAAAAAAAAAAAAAA==';
    expect(decodeKdf(`scrypt;N=${DEFAULT_SCRYPT.N};r=8;p=1;salt=${salt}`)).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
    expect(decodeKdf(`scrypt;N=1024;r=8;p=1;salt=${salt}`)).toMatchObject({ N: 1024 });
  });

  it('never derives a key outside the range, for writers either', async () => {
    await expect(deriveKey('x', { N: 2 ** 20, r: 32, p: 1, salt: new Uint8Array(16) })).rejects.toThrow(/did not run it/);
  });

  it('a slot in the bucket asking for other parameters is refused with a clear message', async () => {
    const { ctx } = await vaultWithSlot();
    const { set } = await openPassphraseSlot(ctx.store, ctx.vaultId, PASS);
    // A hostile bucket rewrites the slot: cheap here (N=2^10, r=32) so the old code would have run it.
    await writeSlot(ctx.store, set, { kind: 'passphrase', key: randomBytes(32), kdf: { N: 2 ** 10, r: 32, p: 1, salt: randomBytes(16) } });
    const err = await openVaultKey('passphrase', ctx).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(WrongPassphraseError);
    expect((err as Error).message).toMatch(/^the passphrase slot asks for scrypt N=1024, r=32, p=1 .*did not run it/);
  });
});

describe('a damaged passphrase slot', () => {
  it('a wrong passphrase still says "wrong passphrase"', async () => {
    const { ctx } = await vaultWithSlot();
    const err = await openVaultKey('passphrase', { ...ctx, passphrase: async () => 'not it' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongPassphraseError);
  });

  it.each([
    ['truncated to its first bytes', (b: Buffer) => b.subarray(0, 20)],
    ['an unknown format version', (b: Buffer) => Buffer.concat([Buffer.from([0x7f]), b.subarray(1)])],
    ['empty', () => Buffer.alloc(0)],
  ])('that does not parse (%s) is reported as damaged', async (_label, damage) => {
    const { ctx, slot, setSlot } = await vaultWithSlot();
    setSlot(damage(slot()));
    const err = await openVaultKey('passphrase', ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptKeySetError);
    expect((err as Error).message).toMatch(/passphrase slot .* is damaged: it is not a readable key slot/);
  });

  it.each([
    ['its last byte (the final frame tag) flipped', (b: Buffer) => flip(b, b.length - 1)],
    ['a byte of its body flipped', (b: Buffer) => flip(b, b.length - 40)],
    ['cut short by one byte', (b: Buffer) => b.subarray(0, b.length - 1)],
  ])('that the right passphrase opens but with %s is reported as damaged', async (_label, damage) => {
    const { ctx, slot, setSlot } = await vaultWithSlot();
    setSlot(damage(slot()));
    const err = await openVaultKey('passphrase', ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptKeySetError);
    expect((err as Error).message).toMatch(/is damaged: the passphrase is right, but the slot fails its integrity check/);
  });

  it('damage to the wrapped data key cannot be told from a wrong passphrase (documented in docs/KEYS.md)', async () => {
    const { ctx, slot, setSlot } = await vaultWithSlot();
    const bytes = slot();
    // The raw-AES EDK ciphertext (data key + GCM tag) sits just before the header's content type byte.
    const edkEnd = bytes.indexOf(Buffer.from('slot/passphrase')) + 'slot/passphrase'.length + 8 + 12 + 2 + 48;
    setSlot(flip(bytes, edkEnd - 1));
    const err = await openVaultKey('passphrase', ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongPassphraseError);
  });
});

function flip(b: Buffer, at: number): Buffer {
  const out = Buffer.from(b);
  out[at] = (out[at] as number) ^ 0x01;
  return out;
}
