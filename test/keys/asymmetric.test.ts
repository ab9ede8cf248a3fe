import { describe, expect, it } from 'vitest';
import { KeyUnavailableError } from '../../src-main/engine/ports/key-provider.ts';
import { createAsymmetricKey, RsaKeyProvider } from '../../src-main/engine/keys/asymmetric-key.ts';
import { open, seal } from './support/fixtures.ts';

describe('asymmetric keys', () => {
  it('rsa-4096: a write-only device wraps with the public half but cannot decrypt; the owner can', async () => {
    const pair = await createAsymmetricKey('rsa-4096');
    const device = new RsaKeyProvider('rsa:camera', 'v1', { publicKeyPem: pair.publicKeyPem }, new Date(0).toISOString());
    const owner = new RsaKeyProvider('rsa:owner', 'v1', pair, new Date(0).toISOString());
    const sealed = await seal(await device.encryptKeyring(), 'photo');
    expect(sealed.edks[0]?.providerId).toBe('coffer:v1');
    await expect(device.decryptKeyring()).rejects.toBeInstanceOf(KeyUnavailableError);
    await expect(device.decryptKeyring()).rejects.toThrow(/write-only device/);
    // Even a keyring built from the public half alone cannot open it (no private key in the process).
    await expect(open(await device.encryptKeyring(), sealed.ciphertext)).rejects.toThrow(/unencryptedDataKey has not been set/);
    expect(await open(await owner.decryptKeyring(), sealed.ciphertext)).toBe('photo');
    const st = JSON.stringify(await device.status());
    expect(st).not.toContain('PRIVATE KEY');
    expect((await device.status()).type).toBe('rsa-4096');
  });

  it('x25519 is refused with the reason', async () => {
    await expect(createAsymmetricKey('x25519')).rejects.toThrow(/Encryption SDK has no X25519 keyring/);
  });
});
