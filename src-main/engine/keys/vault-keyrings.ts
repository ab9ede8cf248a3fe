import {
  KeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  type EncryptedDataKey,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '../crypto/esdk.ts';
import { KeyError } from './key-errors.ts';
import type { VaultKeyVersion } from './key-set.ts';

/**
 * Encryption SDK keyrings over the vault key versions. The data key's EDK names the version that
 * wrapped it (providerId "coffer:<vaultId>", providerInfo "vault-key/v<N>..."), so the decrypt side
 * picks exactly that version and can say in plain words when it is not held.
 */
export const WRAPPING_SUITE = RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING;

export const keyNamespace = (vaultId: string): string => `coffer:${vaultId}`;
export const versionKeyName = (version: number): string => `vault-key/v${version}`;

export function rawAesKeyring(namespace: string, keyName: string, key: Uint8Array): RawAesKeyringNode {
  // The ESDK refuses a key that shares its ArrayBuffer with other data: always pass a fresh copy.
  return new RawAesKeyringNode({
    keyNamespace: namespace,
    keyName,
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: WRAPPING_SUITE,
  });
}

/** Reads the version number from a raw-AES EDK written by this module; null for anything else. */
export function edkVersion(edk: EncryptedDataKey, namespace: string): number | null {
  if (edk.providerId !== namespace) return null;
  // After the key name comes the tag length as uint32 BE (0x00000080), hence the NUL.
  const m = /^vault-key\/v(\d+)\u0000/.exec(edk.providerInfo);
  return m ? Number(m[1]) : null;
}

/** Told of each use, so the owner can audit per session rather than per object. */
export interface KeyUseListener {
  used(op: 'wrap' | 'unwrap', version: number): Promise<void>;
  failed(version: number | undefined, detail: string): Promise<void>;
}

/** Wraps new data keys under one version (the current one). */
export class VaultEncryptKeyring extends KeyringNode {
  private readonly inner: RawAesKeyringNode;

  constructor(vaultId: string, private readonly v: VaultKeyVersion, private readonly listener: KeyUseListener) {
    super();
    this.inner = rawAesKeyring(keyNamespace(vaultId), versionKeyName(v.version), v.key);
  }

  async _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    const out = await this.inner.onEncrypt(material);
    await this.listener.used('wrap', this.v.version);
    return out;
  }

  _onDecrypt(material: NodeDecryptionMaterial, edks: EncryptedDataKey[]): Promise<NodeDecryptionMaterial> {
    return this.inner.onDecrypt(material, edks);
  }
}

/** Unwraps data keys wrapped under any held version. Never wraps. */
export class VaultDecryptKeyring extends KeyringNode {
  private readonly namespace: string;
  private readonly byVersion: Map<number, RawAesKeyringNode>;

  constructor(vaultId: string, versions: VaultKeyVersion[], private readonly listener: KeyUseListener) {
    super();
    this.namespace = keyNamespace(vaultId);
    this.byVersion = new Map(versions.map((v) => [v.version, rawAesKeyring(this.namespace, versionKeyName(v.version), v.key)]));
  }

  async _onEncrypt(): Promise<NodeEncryptionMaterial> {
    throw new KeyError('this keyring only unwraps; ask the provider for its encrypt keyring to wrap new data');
  }

  async _onDecrypt(material: NodeDecryptionMaterial, edks: EncryptedDataKey[]): Promise<NodeDecryptionMaterial> {
    const missing: number[] = [];
    let tried: number | undefined;
    let lastError: unknown;
    for (const edk of edks) {
      const version = edkVersion(edk, this.namespace);
      if (version === null) continue;
      const keyring = this.byVersion.get(version);
      if (!keyring) {
        missing.push(version);
        continue;
      }
      tried = version;
      try {
        const out = await keyring.onDecrypt(material, [edk]);
        if (out.hasValidKey()) {
          await this.listener.used('unwrap', version);
          return out;
        }
      } catch (err) {
        lastError = err;
      }
    }
    if (tried !== undefined) {
      const detail = `vault key version ${tried} did not open the data key (wrong encryption context, or the object was altered)`;
      await this.listener.failed(tried, detail);
      throw new KeyError(`cannot unwrap: ${detail}`, { cause: lastError });
    }
    const held = [...this.byVersion.keys()].join(', ');
    if (missing.length > 0) {
      const detail = `the data key was wrapped with vault key version ${missing.join(', ')}, which this key set does not hold (it holds ${held}); restore the key set with your recovery key`;
      await this.listener.failed(missing[0], detail);
      throw new KeyError(detail);
    }
    // Not ours: leave the material untouched so another keyring in a multi-keyring may answer.
    return material;
  }
}
