import type { KeyringNode } from '@aws-crypto/material-management-node';

/**
 * KeyProvider: the seam to key custody (age's small key boundary, expressed as Encryption SDK keyrings).
 *
 * A provider only generates, wraps and unwraps the per-object data keys that the Sealer asks for. It
 * never sees file contents, paths or the manifest. Implementations: keychain, passphrase, recovery
 * (and, later, aws-kms and pkcs11). Every implementation passes test/keys/conformance.ts.
 *
 * Contract
 * - encryptKeyring() wraps new data keys under the provider's newest usable key version only.
 *   It throws KeyUnavailableError when no version may wrap (e.g. the key is pending deletion).
 * - decryptKeyring() can unwrap data keys wrapped under any version the provider still holds,
 *   so rotation never forces re-encryption.
 * - Both keyrings must check the encryption context they are given and must not log key material.
 * - status() never throws for an ordinary "locked" or "missing" state; it reports it.
 * - Nothing a provider returns through status() contains key material: it crosses to the UI.
 */
export interface KeyProvider {
  /** The reference the user typed, e.g. "keychain:work", "passphrase", "aws-kms:alias/coffer". */
  readonly ref: string;
  encryptKeyring(): Promise<KeyringNode>;
  decryptKeyring(): Promise<KeyringNode>;
  status(): Promise<KeyStatus>;
}

export interface KeyVersionInfo {
  version: number;
  createdAt: string; // ISO-8601
  /** true for the version that wraps new data keys. */
  current: boolean;
}

export interface KeyStatus {
  ref: string;
  provider: 'keychain' | 'passphrase' | 'recovery' | 'aws-kms' | 'pkcs11';
  type: 'aes-256' | 'rsa-4096' | 'x25519';
  state: 'enabled' | 'disabled' | 'pending-deletion' | 'locked' | 'missing' | 'error';
  /** Plain-language reason when state is not 'enabled'. */
  detail?: string;
  versions: KeyVersionInfo[];
  rotation?: { enabled: boolean; periodDays: number; lastRotated?: string; nextRotation?: string };
  deletionDate?: string;
}

/** No key version may be used for this operation; the message says why in plain words. */
export class KeyUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyUnavailableError';
  }
}
