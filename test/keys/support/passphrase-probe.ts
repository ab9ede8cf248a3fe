import { KeyringNode, type EncryptedDataKey, type NodeDecryptionMaterial } from '@aws-crypto/material-management-node';
import { decodeKdf, deriveKey } from '../../../src-main/engine/keys/passphrase-kdf.ts';
import { keyNamespace, rawAesKeyring } from '../../../src-main/engine/keys/vault-keyrings.ts';

type Decrypt = (k: KeyringNode, c: Uint8Array) => Promise<{ messageHeader: { encryptionContext: Record<string, string> } }>;

/** Opens a passphrase slot independently of the module under test, to read its authenticated header. */
export class PassphraseProbe extends KeyringNode {
  constructor(private readonly vaultId: string, private readonly passphrase: string) {
    super();
  }
  async _onEncrypt(): Promise<never> {
    throw new Error('probe only decrypts');
  }
  async _onDecrypt(m: NodeDecryptionMaterial, edks: EncryptedDataKey[]): Promise<NodeDecryptionMaterial> {
    const key = await deriveKey(this.passphrase, decodeKdf(m.encryptionContext['coffer:kdf']));
    return rawAesKeyring(keyNamespace(this.vaultId), 'slot/passphrase', key).onDecrypt(m, edks);
  }
  static async context(slot: Uint8Array, vaultId: string, passphrase: string, decrypt: Decrypt) {
    return (await decrypt(new PassphraseProbe(vaultId, passphrase), slot)).messageHeader.encryptionContext;
  }
}
