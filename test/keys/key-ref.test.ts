import { describe, expect, it } from 'vitest';
import { formatKeyRef, KeyUsageError, openVaultKey, parseKeyRef } from '../../src-main/engine/keys/index.ts';
import { makeContext } from './support/fixtures.ts';

describe('key references', () => {
  it('parses each provider and formats back', () => {
    const cases: [string, unknown][] = [
      ['keychain:work', { provider: 'keychain', name: 'work' }],
      ['keychain', { provider: 'keychain', name: 'default' }],
      ['passphrase', { provider: 'passphrase' }],
      ['aws-kms:alias/coffer', { provider: 'aws-kms', keyId: 'alias/coffer' }],
      ['pkcs11:coffer/vault-key', { provider: 'pkcs11', token: 'coffer', key: 'vault-key' }],
    ];
    for (const [text, parsed] of cases) {
      expect(parseKeyRef(text)).toEqual(parsed);
      expect(parseKeyRef(formatKeyRef(parseKeyRef(text)))).toEqual(parsed);
    }
  });

  it('rejects bad references with a hint', () => {
    expect(() => parseKeyRef('keychain:')).toThrow(/keychain name is 1-64 letters/);
    expect(() => parseKeyRef('keychain:a b')).toThrow(KeyUsageError);
    expect(() => parseKeyRef('vault:x')).toThrow(/use keychain:<name>, passphrase, aws-kms:<key id> or pkcs11:<token>\/<key>/);
    expect(() => parseKeyRef('aws-kms:')).toThrow(/expected aws-kms:/);
    expect(() => parseKeyRef('pkcs11:token-only')).toThrow(/expected pkcs11:<token label>\/<key label>/);
  });

  it('aws-kms references are handed to the KMS module (opening makes no call yet)', async () => {
    const ctx = await makeContext();
    const key = await openVaultKey('aws-kms:alias/coffer-test', ctx);
    expect(key.ref).toBe('aws-kms:alias/coffer-test');
  });

  it('an external provider that is not built in says so', async () => {
    const ctx = await makeContext();
    const err = await openVaultKey('pkcs11:none/none', ctx).catch((e: unknown) => e as Error);
    // Either the pkcs11 module is present (and fails on its own terms) or we say it is not available.
    expect(err).toBeInstanceOf(Error);
    expect(err.message.length).toBeGreaterThan(0);
  });
});
