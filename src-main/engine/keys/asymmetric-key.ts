import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { RawRsaKeyringNode, type KeyringNode } from '../crypto/esdk.ts';
import { KeyUnavailableError, type KeyProvider, type KeyStatus } from '../ports/key-provider.ts';
import { KeyUsageError } from './key-errors.ts';
import { keyNamespace } from './vault-keyrings.ts';

/**
 * Asymmetric vault keys: a write-only device holds only the public half, so it can wrap new data keys
 * but never unwrap one (a camera uploader, a server that backs up but must not read back).
 *
 * rsa-4096 uses the ESDK's RawRsaKeyringNode with OAEP-SHA256. x25519 is refused: the Encryption SDK
 * has no X25519 keyring, and we do not build our own key agreement around it.
 */
export type AsymmetricType = 'rsa-4096' | 'x25519';

export interface AsymmetricKeyPair {
  type: 'rsa-4096';
  publicKeyPem: string;
  privateKeyPem: string;
}

export async function createAsymmetricKey(type: AsymmetricType): Promise<AsymmetricKeyPair> {
  if (type === 'x25519') {
    throw new KeyUsageError(
      'x25519 keys are not supported: the AWS Encryption SDK has no X25519 keyring and Coffer does not invent its own; use rsa-4096');
  }
  if (type !== 'rsa-4096') throw new KeyUsageError(`unknown asymmetric key type "${String(type)}": use rsa-4096`);
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 4096,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { type, publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** A provider over an RSA key; without the private half it wraps only (decryptKeyring refuses). */
export class RsaKeyProvider implements KeyProvider {
  constructor(
    readonly ref: string,
    private readonly vaultId: string,
    private readonly keys: { publicKeyPem: string; privateKeyPem?: string },
    private readonly createdAt: string,
  ) {}

  private keyring(withPrivate: boolean): RawRsaKeyringNode {
    return new RawRsaKeyringNode({
      keyNamespace: keyNamespace(this.vaultId),
      keyName: 'rsa-4096/v1',
      rsaKey: withPrivate
        ? { publicKey: this.keys.publicKeyPem, privateKey: this.keys.privateKeyPem }
        : { publicKey: this.keys.publicKeyPem },
      oaepHash: 'sha256',
    });
  }

  async encryptKeyring(): Promise<KeyringNode> {
    return this.keyring(false);
  }

  async decryptKeyring(): Promise<KeyringNode> {
    if (!this.keys.privateKeyPem) {
      throw new KeyUnavailableError('this is a write-only device: it holds only the public key, so it can add files but not read them');
    }
    return this.keyring(true);
  }

  async status(): Promise<KeyStatus> {
    return {
      ref: this.ref,
      provider: 'keychain',
      type: 'rsa-4096',
      state: 'enabled',
      ...(this.keys.privateKeyPem ? {} : { detail: 'write-only: public key only' }),
      versions: [{ version: 1, createdAt: this.createdAt, current: true }],
    };
  }
}
