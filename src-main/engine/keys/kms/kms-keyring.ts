import { KmsKeyringNode } from '@aws-crypto/kms-keyring-node';
import {
  KeyringNode,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
  type EncryptedDataKey,
} from '../../crypto/esdk.ts';
import type { KmsApi } from './kms-client.ts';
import type { UseAudit } from './use-audit.ts';

/**
 * The ESDK's KmsKeyringNode, with one change: when KMS refuses, the caller gets our plain error
 * (disabled, pending deletion, access denied, ...) instead of the ESDK's concatenated stack traces.
 *
 * Encrypt: GenerateDataKey under `keyId` (id, alias or ARN). Decrypt: only EDKs whose providerInfo
 * equals `keyArn` (KMS always records the full key ARN there). The encryption context goes to KMS
 * as given by the Sealer; nothing is added, and KMS checks it on Decrypt.
 */
export class CofferKmsKeyring extends KeyringNode {
  constructor(
    private readonly api: KmsApi,
    private readonly keyId: string,
    private readonly keyArn: string | undefined,
    private readonly uses: UseAudit,
  ) {
    super();
  }

  override async _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    const inner = new KmsKeyringNode({ clientProvider: () => this.api, generatorKeyId: this.keyId });
    try {
      const out = await inner._onEncrypt(material);
      await this.uses.used('wrap');
      return out;
    } catch (err) {
      await this.uses.failed('wrap', err as Error);
      throw err;
    }
  }

  override async _onDecrypt(material: NodeDecryptionMaterial, edks: EncryptedDataKey[]): Promise<NodeDecryptionMaterial> {
    if (!this.keyArn) return material; // an encrypt-only keyring unwraps nothing
    // The ESDK swallows per-EDK errors into one message; record ours to rethrow the first.
    const seen: Error[] = [];
    const recording = recordErrors(this.api, seen);
    const inner = new KmsKeyringNode({ clientProvider: () => recording, keyIds: [this.keyArn] });
    try {
      const out = await inner._onDecrypt(material, edks);
      if (out.hasValidKey()) await this.uses.used('unwrap');
      return out;
    } catch (err) {
      const plain = seen[0] ?? (err as Error);
      await this.uses.failed('unwrap', plain);
      throw plain;
    }
  }
}

/** The three calls the ESDK keyring makes, with Decrypt errors recorded. */
function recordErrors(api: KmsApi, seen: Error[]): Pick<KmsApi, 'generateDataKey' | 'encrypt' | 'decrypt'> {
  return {
    generateDataKey: (args) => api.generateDataKey(args),
    encrypt: (args) => api.encrypt(args),
    decrypt: async (args) => {
      try {
        return await api.decrypt(args);
      } catch (err) {
        seen.push(err as Error);
        throw err;
      }
    },
  };
}
