import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAsymmetricKey, formatKeyRef, KeyUsageError, parseKeyRef, saveToProvider, type AsymmetricType } from '../keys/index.ts';
import { scanKeyUsage } from '../vault/key-usage.ts';
import { rewrapVault, type RewrapProgress, type RewrapReport } from '../vault/rewrap.ts';
import type { KeyStatus } from '../ports/key-provider.ts';
import type { KeyUsage } from '../ports/vault-service.ts';
import type { OpenVault } from './vault-ops.ts';

// Key lifecycle for a vault's key. A vault has one key (with versions), chosen at init (docs/KEYS.md).

export const KEY_TYPES = ['aes-256', 'rsa-4096', 'x25519'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/**
 * A request naming a key must name this vault's (in any spelling of its reference): another key, or a
 * reference of an unknown scheme, is a KeyUsageError (a usage error, not an unavailable key).
 */
export function checkKeyRef(vault: OpenVault, ref: string): void {
  const same = ref === vault.key.ref || formatKeyRef(parseKeyRef(ref)) === vault.key.ref;
  if (!same) throw new KeyUsageError(`this vault's key is ${vault.key.ref}, not ${ref}`);
}

export const keyStatus = (vault: OpenVault): Promise<KeyStatus> => vault.key.status();
/** A new key version wraps new data from now on; older versions stay readable. */
export const rotateKey = (vault: OpenVault): Promise<KeyStatus> => vault.key.rotate();
export const setKeyRotation = (vault: OpenVault, req: { days: number }): Promise<KeyStatus> => vault.key.setRotationPeriod(req.days);
export const cancelKeyDeletion = (vault: OpenVault): Promise<KeyStatus> => vault.key.cancelDeletion();

/** Per key version: the files, objects and file versions (`versions[v]`) its deletion would make unreadable. */
export type KeyUsageReport = KeyUsage & { versions: Record<number, number> };

export function keyUsage(vault: OpenVault): Promise<KeyUsageReport> {
  return scanKeyUsage(vault.manifest, vault.key.ref);
}

/** Deleting the key would make files unreadable, and `force` was not given. Nothing was scheduled. */
export class KeyInUseError extends Error {
  readonly files: number;
  constructor(readonly ref: string, readonly usage: KeyUsageReport) {
    const files = usage.byVersion.reduce((n, u) => n + u.files, 0);
    super(`${ref} still protects ${files} files; confirm with force to schedule its deletion anyway`);
    this.name = 'KeyInUseError';
    this.files = files;
  }
}

/**
 * Schedules the key's deletion in `days`. Refused with KeyInUseError while any retained snapshot has a
 * file it wrapped, unless `force`; the usage is returned either way, so the host can name those files.
 */
export async function scheduleKeyDeletion(vault: OpenVault, req: { days: number; force?: boolean }): Promise<{ status: KeyStatus; usage: KeyUsageReport }> {
  const usage = await keyUsage(vault);
  const inUse = usage.byVersion.some((u) => u.files > 0);
  if (inUse && req.force !== true) throw new KeyInUseError(vault.key.ref, usage);
  const status = await vault.key.scheduleDeletion(req.days, { force: req.force === true, inUse });
  return { status, usage };
}

export const readAuditLog = (vault: OpenVault) => vault.audit.list();
/** Checks the audit log's hash chain: `ok: false` names the first damaged or edited line. */
export const verifyAuditLog = (vault: OpenVault) => vault.audit.verify();

/** The recovery key, with what a recovery kit names; refused for keys held by KMS or an HSM. */
export function exportRecovery(vault: OpenVault): { vaultId: string; remote: string; recoveryKey: string } {
  const recoveryKey = vault.key.exportRecoveryKey?.();
  if (!recoveryKey) throw new Error(`${vault.key.ref} is held outside Coffer (KMS or HSM); its recovery is the provider's own`);
  return { vaultId: vault.vaultId, remote: vault.settings.remote, recoveryKey };
}

/**
 * Moves the vault key to another custody (keychain:<name> <-> passphrase; a `passphrase` for the latter).
 * Only the small key copy is rewritten (the keychain item or keys/passphrase); no data is re-encrypted.
 */
export async function moveKey(vault: OpenVault, req: { to: string; passphrase?: string }): Promise<{ keyRef: string }> {
  const moved = await saveToProvider(vault.key, req.to, vault.keyContext({ passphrase: async () => req.passphrase ?? '' }));
  await vault.changeSettings({ keyRef: moved.ref });
  return { keyRef: moved.ref };
}

/** A new passphrase for a passphrase vault: its key slot is rewritten, no data is re-encrypted. */
export async function changePassphrase(vault: OpenVault, req: { passphrase: string }): Promise<{ keyRef: string }> {
  if (vault.key.ref !== 'passphrase') throw new KeyUsageError(`this vault's key is ${vault.key.ref}, not a passphrase`);
  return moveKey(vault, { to: 'passphrase', passphrase: req.passphrase });
}

/** Re-seals the objects wrapped under older key versions with `toVersion` (the current one by default); resumable. */
export function rewrapKeys(vault: OpenVault, req: { toVersion?: number; onProgress?: (p: RewrapProgress) => void } = {}): Promise<RewrapReport> {
  return rewrapVault(vault, req);
}

/** Refuses a key type this build cannot make, before any vault is opened (no passphrase prompt for nothing). */
export async function checkKeyType(type: string): Promise<KeyType> {
  if (!(KEY_TYPES as readonly string[]).includes(type)) throw new KeyUsageError(`unknown key type "${type}": use ${KEY_TYPES.join(', ')}`);
  if (type === 'x25519') await createAsymmetricKey('x25519');
  return type as KeyType;
}

export type CreateKeyResult =
  | { kind: 'version'; status: KeyStatus }
  | { kind: 'pair'; type: AsymmetricType; publicKeyPem: string; privateKeyFile: string; /** The vault's own key, which stays in use. */ vaultKey: string };

/**
 * `aes-256` on an existing vault is a new version of its key (a rotation). An rsa-4096 pair is made for a
 * write-only device (docs/KEYS.md): the private half is saved to `out` (default: the vault's state
 * folder), readable by its owner only, and the public half returned.
 */
export async function createKey(vault: OpenVault, req: { type: KeyType; provider?: string; out?: string }): Promise<CreateKeyResult> {
  if (req.provider !== undefined && req.provider !== vault.key.ref) {
    throw new KeyUsageError(`this vault's key lives in ${vault.key.ref}; a vault has one key provider, chosen with coffer init --key`);
  }
  if (req.type === 'aes-256') return { kind: 'version', status: await vault.key.rotate() };
  const pair = await createAsymmetricKey(req.type);
  const out = req.out ?? join(vault.paths.dir, `rsa-4096-${new Date(vault.clock.now()).toISOString().replace(/[:.]/g, '-')}.key.pem`);
  await writeFile(out, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
  await vault.audit.append({ op: 'create', key: `rsa-4096:${out}`, version: 1, detail: 'key pair for a write-only device; not the vault key' });
  return { kind: 'pair', type: req.type, publicKeyPem: pair.publicKeyPem, privateKeyFile: out, vaultKey: vault.key.ref };
}
