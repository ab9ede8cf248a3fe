/**
 * The parts of the AWS Encryption SDK that Coffer uses, taken from its narrow packages. The umbrella
 * `@aws-crypto/client-node` also loads the KMS, DynamoDB (hierarchical keyring) and caching code, which
 * cost every command about 100 ms of start-up; the KMS keyring is imported by the KMS provider alone.
 * The classes are the same objects the umbrella re-exports, so keyrings from either mix freely.
 */
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import type { ClientOptions } from '@aws-crypto/material-management-node';

export {
  AlgorithmSuiteIdentifier, CommitmentPolicy, EncryptedDataKey, KeyringNode, KeyringTraceFlag, MultiKeyringNode,
  NodeDecryptionMaterial, NodeEncryptionMaterial, unwrapDataKey,
} from '@aws-crypto/material-management-node';
export { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
export { RawRsaKeyringNode } from '@aws-crypto/raw-rsa-keyring-node';

/** The same client as the umbrella's buildClient(): encrypt and decrypt under one policy. */
export function buildClient(options: ClientOptions['commitmentPolicy'] | Partial<ClientOptions>) {
  return { ...buildEncrypt(options), ...buildDecrypt(options) };
}
