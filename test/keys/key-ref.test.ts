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

  it('pkcs11 references are handed to the PKCS#11 module, which refuses a token that does not exist', async () => {
    const ctx = await makeContext();
    const key = await openVaultKey('pkcs11:none/none', ctx);
    expect(key.ref).toBe('pkcs11:none/none');
    const status = await key.status();
    expect(status.provider).toBe('pkcs11');
    expect(status.state).not.toBe('enabled');
    await expect(key.encryptKeyring()).rejects.toThrow(/./);
  });
});
