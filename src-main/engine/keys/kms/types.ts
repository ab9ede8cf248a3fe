import type { BlobStore } from '../../ports/blob-store.ts';
import type { Clock, RandomSource } from '../../ports/clock.ts';
import type { KeyProvider, KeyStatus } from '../../ports/key-provider.ts';
import type { AuditLog } from '../audit-log.ts';

/*
 * Structural copies of ManagedKey and KeyContext from src-main/engine/keys/index.ts (owned by the
 * local-keys part). Same shape, so either side's values fit the other; kept here so the remote
 * providers build before and independently of the dispatcher.
 */

/** A KeyProvider the user can also manage: rotate, schedule or cancel deletion, set a rotation period. */
export interface ManagedKey extends KeyProvider {
  currentVersion(): Promise<number>;
  rotate(): Promise<KeyStatus>;
  scheduleDeletion(days: number, opts?: { force?: boolean; inUse?: boolean }): Promise<KeyStatus>;
  cancelDeletion(): Promise<KeyStatus>;
  setRotationPeriod(days: number): Promise<KeyStatus>;
  rotateIfDue(): Promise<boolean>;
}

export interface KeyContext {
  vaultId: string;
  store: BlobStore;
  stateDir: string;
  passphrase?: () => Promise<string>;
  clock?: Clock;
  random?: RandomSource;
  audit?: AuditLog;
}

/** Only append is used here; tests may pass a recorder. */
export type AuditSink = Pick<AuditLog, 'append'>;

/** Audit failures must never mask the operation's own result or error. */
export async function auditQuietly(
  audit: AuditSink | undefined,
  e: Parameters<AuditLog['append']>[0],
): Promise<void> {
  if (!audit) return;
  try {
    await audit.append(e);
  } catch {
    /* the audit log reports its own damage through verify(); a key operation does not fail for it */
  }
}
