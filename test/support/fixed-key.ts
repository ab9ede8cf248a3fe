// A key provider over one raw AES key of repeated bytes: known-answer sealer tests need no custody.
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import type { KeyProvider } from '../../src-main/engine/ports/key-provider.ts';

export const TEST_VAULT_ID = '0123456789abcdef0123456789abcdef';

export function fixedKeyProvider(keyByte: number, vaultId = TEST_VAULT_ID): KeyProvider {
  const keyring = new RawAesKeyringNode({
    keyName: 'vault-key/v1', keyNamespace: `coffer:${vaultId}`,
    unencryptedMasterKey: new Uint8Array(32).fill(keyByte), wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  return { ref: 'test', encryptKeyring: async () => keyring, decryptKeyring: async () => keyring, status: async () => { throw new Error('unused'); } };
}
