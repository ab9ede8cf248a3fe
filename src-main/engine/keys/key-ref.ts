import { KeyUsageError } from './key-errors.ts';

/**
 * Key references as the user types them (`--key ...`):
 *   keychain:<name>   the OS keychain item coffer/<name> (default: keychain:default)
 *   passphrase        the passphrase slot in the bucket
 *   aws-kms:<key-id or alias/...>, pkcs11:<token>/<key>   handled by the kms and pkcs11 modules
 *   member:<vaultId>[:<identity file>]   a team member's key slot keys/members/<id>, opened with the member's
 *                     identity from the keychain item coffer/member-<vaultId>, or from the file given
 */
export type KeyRef =
  | { provider: 'keychain'; name: string }
  | { provider: 'passphrase' }
  | { provider: 'aws-kms'; keyId: string }
  | { provider: 'pkcs11'; token: string; key: string }
  | { provider: 'member'; vaultId: string; identityFile?: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function parseKeyRef(ref: string): KeyRef {
  const text = ref.trim();
  if (text === 'keychain') return { provider: 'keychain', name: 'default' };
  if (text === 'passphrase') return { provider: 'passphrase' };
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  switch (kind) {
    case 'keychain':
      if (!NAME.test(rest)) {
        throw new KeyUsageError(`bad key reference "${ref}": a keychain name is 1-64 letters, digits, ".", "_" or "-", e.g. keychain:work`);
      }
      return { provider: 'keychain', name: rest };
    case 'aws-kms':
      if (rest.length === 0) throw new KeyUsageError(`bad key reference "${ref}": expected aws-kms:<key id, ARN or alias/name>`);
      return { provider: 'aws-kms', keyId: rest };
    case 'pkcs11': {
      const m = /^([^/]+)\/(.+)$/.exec(rest);
      if (!m) throw new KeyUsageError(`bad key reference "${ref}": expected pkcs11:<token label>/<key label>`);
      return { provider: 'pkcs11', token: m[1] as string, key: m[2] as string };
    }
    case 'member': {
      const m = /^([0-9a-f]{32})(?::(\/.+))?$/.exec(rest);
      if (!m) throw new KeyUsageError(`bad key reference "${ref}": expected member:<vault id>[:<absolute path of an identity file>]`);
      return { provider: 'member', vaultId: m[1] as string, ...(m[2] ? { identityFile: m[2] } : {}) };
    }
    default:
      throw new KeyUsageError(
        `unknown key reference "${ref}": use keychain:<name>, passphrase, aws-kms:<key id> or pkcs11:<token>/<key>`);
  }
}

export function formatKeyRef(ref: KeyRef): string {
  switch (ref.provider) {
    case 'keychain': return `keychain:${ref.name}`;
    case 'passphrase': return 'passphrase';
    case 'aws-kms': return `aws-kms:${ref.keyId}`;
    case 'pkcs11': return `pkcs11:${ref.token}/${ref.key}`;
    case 'member': return `member:${ref.vaultId}${ref.identityFile ? `:${ref.identityFile}` : ''}`;
  }
}
