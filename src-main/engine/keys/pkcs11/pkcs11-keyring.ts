import {
  EncryptedDataKey,
  KeyringNode,
  KeyringTraceFlag,
  unwrapDataKey,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '../../crypto/esdk.ts';
import type { RandomSource } from '../../ports/clock.ts';
import type { UseAudit } from '../kms/use-audit.ts';
import type { Session } from './pkcs11-module.ts';
import { Pkcs11KeyError } from './pkcs11-errors.ts';
import { listVersions, unwrapDataKey as unwrapOnToken, wrapDataKey } from './token-keys.ts';

export const PROVIDER_ID = 'coffer-pkcs11';

/** How a keyring reaches the token: labels, and a logged-in synchronous session on demand. */
export interface TokenAccess {
  token: string;
  key: string;
  run<T>(body: (s: Session) => T): Promise<T>;
}

/**
 * An ESDK keyring over an HSM key. Encrypt: a data key from the injected RandomSource, wrapped on the
 * token under version `wrapVersion`, stored as an EDK (providerId 'coffer-pkcs11', providerInfo
 * '<token>/<key>/v<N>'). Decrypt: the version the EDK names, if the token still has it.
 */
export class Pkcs11Keyring extends KeyringNode {
  constructor(
    private readonly access: TokenAccess,
    private readonly random: RandomSource,
    private readonly uses: UseAudit,
    private readonly wrapVersion?: number,
  ) {
    super();
  }

  private get prefix(): string {
    return `${this.access.token}/${this.access.key}/v`;
  }

  override async _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    const version = this.wrapVersion;
    if (version === undefined) return material; // a decrypt-only keyring adds nothing
    const keyName = `${this.access.token}/${this.access.key}`;
    if (!material.hasUnencryptedDataKey) {
      const fresh = this.random(material.suite.keyLengthBytes);
      material.setUnencryptedDataKey(fresh, { keyNamespace: PROVIDER_ID, keyName, flags: KeyringTraceFlag.WRAPPING_KEY_GENERATED_DATA_KEY });
    }
    const dataKey = unwrapDataKey(material.getUnencryptedDataKey());
    try {
      const wrapped = await this.access.run((s) => {
        const v = listVersions(s, this.access.key).find((x) => x.version === version);
        if (!v) throw missingVersion(this.access, version);
        return wrapDataKey(s, v.handle, dataKey, material.encryptionContext);
      });
      material.addEncryptedDataKey(
        new EncryptedDataKey({ providerId: PROVIDER_ID, providerInfo: `${this.prefix}${version}`, encryptedDataKey: new Uint8Array(wrapped) }),
        KeyringTraceFlag.WRAPPING_KEY_ENCRYPTED_DATA_KEY | KeyringTraceFlag.WRAPPING_KEY_SIGNED_ENC_CTX,
      );
    } catch (err) {
      await this.uses.failed('wrap', err as Error, version);
      throw err;
    }
    await this.uses.used('wrap', version);
    return material;
  }

  override async _onDecrypt(material: NodeDecryptionMaterial, edks: EncryptedDataKey[]): Promise<NodeDecryptionMaterial> {
    const ours = edks.filter((e) => e.providerId === PROVIDER_ID && e.providerInfo.startsWith(this.prefix)
      && /^\d+$/.test(e.providerInfo.slice(this.prefix.length)));
    if (ours.length === 0) return material;
    const errors: Error[] = [];
    const found = await this.access.run((s) => {
      const versions = listVersions(s, this.access.key);
      for (const edk of ours) {
        const version = Number(edk.providerInfo.slice(this.prefix.length));
        const v = versions.find((x) => x.version === version);
        if (!v) {
          errors.push(missingVersion(this.access, version));
          continue;
        }
        try {
          const key = unwrapOnToken(s, v.handle, edk.encryptedDataKey, material.encryptionContext, material.suite.keyLengthBytes);
          return { key, version };
        } catch (err) {
          errors.push(err as Error);
        }
      }
      return undefined;
    }).catch((err: unknown) => {
      errors.push(err as Error);
      return undefined;
    });
    if (!found) {
      const first = errors[0] as Error;
      await this.uses.failed('unwrap', first);
      throw first;
    }
    material.setUnencryptedDataKey(new Uint8Array(found.key), {
      keyNamespace: PROVIDER_ID,
      keyName: `${this.access.token}/${this.access.key}`,
      flags: KeyringTraceFlag.WRAPPING_KEY_DECRYPTED_DATA_KEY | KeyringTraceFlag.WRAPPING_KEY_VERIFIED_ENC_CTX,
    });
    found.key.fill(0);
    await this.uses.used('unwrap', found.version);
    return material;
  }
}

function missingVersion(a: TokenAccess, version: number): Pkcs11KeyError {
  return new Pkcs11KeyError('missing-key',
    `key "${a.key}" version ${version} is not on token "${a.token}" (no object labelled "${a.key}#v${version}"): it was deleted or this is another token`);
}
