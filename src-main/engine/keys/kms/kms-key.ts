import type { KeyringNode } from '@aws-crypto/material-management-node';
import type { Clock } from '../../ports/clock.ts';
import type { KeyStatus } from '../../ports/key-provider.ts';
import { KeyUsageError } from '../key-errors.ts';
import type { KmsApi } from './kms-client.ts';
import { KmsKeyError } from './kms-errors.ts';
import { CofferKmsKeyring } from './kms-keyring.ts';
import { kmsStatus, listRotations } from './kms-status.ts';
import { auditQuietly, type AuditSink, type ManagedKey } from './types.ts';
import { UseAudit } from './use-audit.ts';

/** AWS's limits, checked here too so a typo gets a local, immediate answer. */
export const DELETION_WINDOW_DAYS = { min: 7, max: 30 };
export const ROTATION_PERIOD_DAYS = { min: 90, max: 2560 };
/** How long a seen key state is trusted before encryptKeyring asks KMS again. */
const STATE_TTL_MS = 60_000;

/**
 * An AWS KMS key as a ManagedKey. KMS holds every key version and does the cryptography; this class
 * only names the key and translates. Decrypt needs the key's ARN (the ESDK matches EDKs by ARN), so
 * an alias or bare id is resolved once with DescribeKey.
 */
export class KmsManagedKey implements ManagedKey {
  private arn: string | undefined;
  private seen: { state: KeyStatus['state']; detail?: string; at: number } | undefined;
  private readonly uses: UseAudit;

  constructor(
    readonly ref: string,
    private readonly keyId: string,
    private readonly api: KmsApi,
    private readonly clock: Clock,
    private readonly audit?: AuditSink,
  ) {
    if (keyId.startsWith('arn:') && keyId.includes(':key/')) this.arn = keyId;
    this.uses = new UseAudit(ref, audit);
  }

  /**
   * Refuses at once when the key is known to be unusable, so no object starts sealing in vain. An
   * 'error' status (KMS unreachable, or DescribeKey not granted, as for a write-only device) does not
   * block: GenerateDataKey itself then succeeds or says why.
   */
  async encryptKeyring(): Promise<KeyringNode> {
    if (!this.seen || this.clock.now() - this.seen.at > STATE_TTL_MS) await this.status();
    const seen = this.seen;
    if (seen && seen.state !== 'enabled' && seen.state !== 'error') {
      throw new KmsKeyError(seen.state === 'missing' ? 'not-found' : seen.state === 'disabled' ? 'disabled' : 'pending-deletion',
        seen.detail ?? `the KMS key ${this.keyId} cannot wrap new data keys`);
    }
    return new CofferKmsKeyring(this.api, this.keyId, undefined, this.uses);
  }

  async decryptKeyring(): Promise<KeyringNode> {
    if (!this.arn) {
      const md = (await this.api.describeKey({ KeyId: this.keyId })).KeyMetadata;
      if (!md?.Arn) throw new KmsKeyError('not-found', `KMS returned no ARN for ${this.keyId}`);
      this.arn = md.Arn;
    }
    return new CofferKmsKeyring(this.api, this.keyId, this.arn, this.uses);
  }

  async status(): Promise<KeyStatus> {
    const st = await kmsStatus(this.api, this.ref, this.keyId);
    this.seen = { state: st.state, ...(st.detail ? { detail: st.detail } : {}), at: this.clock.now() };
    return st;
  }

  async currentVersion(): Promise<number> {
    return (await listRotations(this.api, this.keyId)).length + 1;
  }

  rotate(): Promise<KeyStatus> {
    return this.manage('rotate', async () => {
      await this.api.rotateKeyOnDemand({ KeyId: this.keyId });
      return { version: await this.currentVersion() };
    });
  }

  async scheduleDeletion(days: number, opts: { force?: boolean; inUse?: boolean } = {}): Promise<KeyStatus> {
    checkRange(days, DELETION_WINDOW_DAYS, 'the deletion window');
    if (opts.inUse && !opts.force) {
      throw new KeyUsageError(
        `the KMS key ${this.keyId} still wraps data keys of this vault: once deleted they cannot be opened. ` +
          'Rewrap the vault under another key first, or pass force');
    }
    return this.manage('schedule-deletion', async () => {
      const out = await this.api.scheduleKeyDeletion({ KeyId: this.keyId, PendingWindowInDays: days });
      return { detail: `deletion on ${out.DeletionDate?.toISOString() ?? `in ${days} days`}` };
    });
  }

  /** AWS leaves a key Disabled after CancelKeyDeletion; Coffer re-enables it, as the user meant. */
  cancelDeletion(): Promise<KeyStatus> {
    return this.manage('cancel-deletion', async () => {
      await this.api.cancelKeyDeletion({ KeyId: this.keyId });
      await this.api.enableKey({ KeyId: this.keyId });
      return {};
    });
  }

  async setRotationPeriod(days: number): Promise<KeyStatus> {
    checkRange(days, ROTATION_PERIOD_DAYS, 'the rotation period');
    return this.manage('rotate', async () => {
      await this.api.enableKeyRotation({ KeyId: this.keyId, RotationPeriodInDays: days });
      return { detail: `automatic rotation every ${days} days` };
    });
  }

  /** KMS rotates on its own schedule once rotation is enabled; there is never anything for us to do. */
  async rotateIfDue(): Promise<boolean> {
    return false;
  }

  async flushAudit(): Promise<void> {
    await this.uses.flush();
  }

  /** Runs one management call, audits it (or its failure), and returns the fresh status. */
  private async manage(
    op: 'rotate' | 'schedule-deletion' | 'cancel-deletion',
    run: () => Promise<{ version?: number; detail?: string }>,
  ): Promise<KeyStatus> {
    let done: { version?: number; detail?: string };
    try {
      done = await run();
    } catch (err) {
      await auditQuietly(this.audit, { op, key: this.ref, detail: `failed: ${(err as Error).message}` });
      throw err;
    }
    await auditQuietly(this.audit, { op, key: this.ref, ...done });
    return this.status();
  }
}

function checkRange(days: number, r: { min: number; max: number }, what: string): void {
  if (!Number.isInteger(days) || days < r.min || days > r.max) {
    throw new KeyUsageError(`${what} must be a whole number of days from ${r.min} to ${r.max} (got ${days})`);
  }
}
