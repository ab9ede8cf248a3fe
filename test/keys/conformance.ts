// The KeyProvider conformance suite (restic runs one backend test suite against every backend; we do the
// same for key custody). Every provider runs it: keychain, passphrase, recovery here; aws-kms and pkcs11
// by their owner. `make` returns a fresh provider, plus any raw secrets it holds so the status() scan can
// look for them, and a rotate() if the provider supports rotation.
import { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AlgorithmSuiteIdentifier,
  NodeAlgorithmSuite,
  NodeDecryptionMaterial,
  NodeEncryptionMaterial,
} from '@aws-crypto/material-management-node';
import type { KeyProvider } from '../../src-main/engine/ports/key-provider.ts';
import { open, seal } from './support/fixtures.ts';

export interface ConformanceSubject {
  provider: KeyProvider;
  /** Raw key bytes the provider holds (if any are known to the test); status() must not reveal them. */
  secrets?: Uint8Array[];
  rotate?: () => Promise<unknown>;
}

// The ESDK may hand back a KeyObject instead of bytes; compare the bytes either way.
function rawKey(k: Uint8Array | object): Buffer {
  if (k instanceof Uint8Array) return Buffer.from(k);
  if (k instanceof KeyObject) return k.export();
  throw new TypeError(`a data key is neither bytes nor a KeyObject: ${Object.prototype.toString.call(k)}`);
}

const suite = new NodeAlgorithmSuite(AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY);

export function describeKeyProviderConformance(name: string, make: () => Promise<ConformanceSubject>, opts: { skip?: string } = {}): void {
  describe.skipIf(opts.skip !== undefined)(`KeyProvider conformance: ${name}${opts.skip ? ` (skipped: ${opts.skip})` : ''}`, () => {
    it('encrypt keyring wraps a new data key and decrypt keyring unwraps it', async () => {
      const { provider } = await make();
      const ctx = { 'coffer:object': 'o1' };
      const enc = await (await provider.encryptKeyring()).onEncrypt(new NodeEncryptionMaterial(suite, ctx));
      expect(enc.hasValidKey()).toBe(true);
      expect(enc.encryptedDataKeys.length).toBeGreaterThan(0);
      const dec = await (await provider.decryptKeyring()).onDecrypt(new NodeDecryptionMaterial(suite, ctx), enc.encryptedDataKeys);
      expect(dec.hasValidKey()).toBe(true);
      expect(rawKey(dec.getUnencryptedDataKey())).toEqual(rawKey(enc.getUnencryptedDataKey()));
    });

    it('a whole ESDK message round-trips', async () => {
      const { provider } = await make();
      const { ciphertext } = await seal(await provider.encryptKeyring(), `hello from ${name}`);
      expect(await open(await provider.decryptKeyring(), ciphertext)).toBe(`hello from ${name}`);
    });

    it('a data key wrapped under one encryption context does not unwrap under another', async () => {
      const { provider } = await make();
      const enc = await (await provider.encryptKeyring()).onEncrypt(new NodeEncryptionMaterial(suite, { 'coffer:object': 'a' }));
      const attempt = (await provider.decryptKeyring()).onDecrypt(
        new NodeDecryptionMaterial(suite, { 'coffer:object': 'b' }), enc.encryptedDataKeys);
      // Either the keyring throws, or it leaves the material without a key; never a key.
      const dec = await attempt.catch(() => null);
      expect(dec?.hasValidKey() ?? false).toBe(false);
    });

    it('status() carries no key material', async () => {
      const { provider, secrets = [] } = await make();
      const json = JSON.stringify(await provider.status());
      expect(json.length).toBeGreaterThan(10);
      for (const s of secrets) {
        const b = Buffer.from(s);
        for (const form of [b.toString('base64'), b.toString('hex'), b.toString('base64url'), b.toString('hex').toUpperCase()]) {
          expect(json).not.toContain(form);
        }
      }
      const st = await provider.status();
      expect(st.ref).toBe(provider.ref);
      expect(st.versions.filter((v) => v.current).length).toBeLessThanOrEqual(1);
    });

    it('data sealed before a rotation still opens after it, and new data uses the new version', async () => {
      const subject = await make();
      if (!subject.rotate) return expect(subject.rotate).toBeUndefined();
      const { provider } = subject;
      const before = await seal(await provider.encryptKeyring(), 'before');
      await subject.rotate();
      const after = await seal(await provider.encryptKeyring(), 'after');
      expect(await open(await provider.decryptKeyring(), before.ciphertext)).toBe('before');
      expect(await open(await provider.decryptKeyring(), after.ciphertext)).toBe('after');
      const current = (await provider.status()).versions.find((v) => v.current);
      expect(current?.version).toBeGreaterThan(1);
    });
  });
}
