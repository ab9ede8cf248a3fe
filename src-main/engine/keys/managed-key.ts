import type { KeyringNode } from '@aws-crypto/material-management-node';
import type { BlobStore } from '../ports/blob-store.ts';
import type { Clock, RandomSource } from '../ports/clock.ts';
import { KeyUnavailableError, type KeyProvider, type KeyStatus } from '../ports/key-provider.ts';
import type { AuditLog } from './audit-log.ts';
import type { Custody } from './custody.ts';
import { KeyUsageError } from './key-errors.ts';
import { encodeRecoveryKey } from './recovery-code.ts';
import {
  addDays, checkDeletionWindow, checkRotationPeriod, nextRotation, withNewVersion, type MemberIdentity, type VaultKeySet,
} from './key-set.ts';
import { deleteSlot, writeSlot } from './key-slots.ts';
import { VaultDecryptKeyring, VaultEncryptKeyring, type KeyUseListener } from './vault-keyrings.ts';

/** A key provider that can also be rotated, scheduled for deletion and so on (the CLI's `coffer key`). */
export interface ManagedKey extends KeyProvider {
  currentVersion(): Promise<number>;
  rotate(): Promise<KeyStatus>;
  scheduleDeletion(days: number, opts?: { force?: boolean; inUse?: boolean }): Promise<KeyStatus>;
  cancelDeletion(): Promise<KeyStatus>;
  setRotationPeriod(days: number): Promise<KeyStatus>;
  rotateIfDue(): Promise<boolean>;
  /** Appends one audit entry per (op, version) with the number of wraps/unwraps since the last flush. */
  flushAudit(): Promise<void>;
  /** The recovery key, for `coffer keys export-recovery`; absent for keys held outside (KMS, HSM). */
  exportRecoveryKey?(): string;
}

export interface ManagedKeyDeps {
  store: BlobStore;
  clock: Clock;
  random: RandomSource;
  audit: AuditLog;
}

/**
 * The vault key held locally (keychain, passphrase slot, or recovery slot). Every change writes the
 * recovery slot, then the custody copy, then the audit log.
 *
 * Wrap/unwrap auditing is per session, not per object: the first use of each version for each
 * operation in this process is logged at once, and flushAudit() logs the counts since.
 */
export class LocalManagedKey implements ManagedKey, KeyUseListener {
  private purged = false;
  private readonly uses = new Map<string, number>();
  /**
   * Called after every saved change (rotation, deletion schedule, a new generation): in a team vault,
   * team/ sets it to rewrite the other members' slots, so a rotation reaches everyone who should read.
   */
  onPersisted?: (set: VaultKeySet) => Promise<void>;
  /** When the set was last checked against the bucket's slots (at open, by refreshVaultKey): clock ms. */
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly ref: string,
    private set: VaultKeySet,
    readonly custody: Custody,
    private readonly deps: ManagedKeyDeps,
  ) {}

  exportRecoveryKey(): string {
    if (!this.set.recoveryKey) throw new KeyUsageError('only a team admin holds the recovery key; ask one of them for the recovery kit');
    return encodeRecoveryKey(this.set.recoveryKey);
  }

  /** The holder's team identity (the owner's from the key set, a member's from its keychain entry or file). */
  memberIdentity(): MemberIdentity | undefined {
    return this.set.identity ?? this.custody.identity;
  }

  /**
   * Saves a changed set (a team admin's: a new identity, a new generation, a new recovery key) the way every
   * change is saved: recovery slot first, then the custody copy.
   */
  async replaceSet(next: VaultKeySet): Promise<void> {
    await this.persist(next);
  }

  /**
   * A newer set an admin already wrote to this member's own slot (a new generation, a removal note): taken
   * as it is, without writing anything back.
   */
  adoptSaved(next: VaultKeySet): void {
    this.set = next;
  }

  /** For moving the key between providers inside this module only; never sent to the UI. */
  keySet(): VaultKeySet {
    return this.set;
  }

  /**
   * A changed set goes to the recovery slot first, so that slot is never behind. A new or moved set
   * (`custodyFirst`) goes to its custody first, so an unreachable keychain leaves the bucket untouched.
   */
  async persist(next: VaultKeySet, opts: { custodyFirst?: boolean } = {}): Promise<void> {
    if (opts.custodyFirst) await this.custody.save(next);
    // A team member who is not an admin holds no recovery key, so cannot (and need not) write that slot.
    if (next.recoveryKey) await writeSlot(this.deps.store, next, { kind: 'recovery', key: next.recoveryKey });
    if (!opts.custodyFirst) await this.custody.save(next);
    this.set = next;
    await this.onPersisted?.(next);
  }

  /** Records that the set was just checked against the bucket's slots (keys/index.ts). */
  markChecked(): void {
    this.checkedAt = this.deps.clock.now();
  }

  /** Whether the set was checked against the bucket less than `ms` ago. */
  checkedWithin(ms: number): boolean {
    return this.deps.clock.now() - this.checkedAt < ms;
  }

  /** Set in a former member's slot: who removed them and when. */
  removal(): { by: string; at: string } | undefined {
    return this.set.removed;
  }

  async currentVersion(): Promise<number> {
    return this.set.current;
  }

  async encryptKeyring(): Promise<KeyringNode> {
    await this.ensureUsable('wrap');
    const v = this.set.versions.find((x) => x.version === this.set.current);
    if (!v) throw new KeyUnavailableError(`current version ${this.set.current} is missing from the key set`);
    return new VaultEncryptKeyring(this.set.vaultId, v, this);
  }

  async decryptKeyring(): Promise<KeyringNode> {
    await this.ensureUsable('unwrap');
    return new VaultDecryptKeyring(this.set.vaultId, this.set.versions, this);
  }

  async status(): Promise<KeyStatus> {
    const s = this.set;
    const pending = s.deletion !== undefined;
    return {
      ref: this.ref,
      provider: this.custody.provider,
      type: 'aes-256',
      state: this.purged ? 'missing' : pending ? 'pending-deletion' : 'enabled',
      ...(this.purged ? { detail: 'the key was deleted when its deletion date came' } : {}),
      ...(pending && !this.purged ? { detail: `scheduled for deletion on ${s.deletion?.scheduledFor}; cancel to keep it` } : {}),
      versions: s.versions.map((v) => ({ version: v.version, createdAt: v.createdAt, current: v.version === s.current })),
      rotation: {
        enabled: true,
        periodDays: s.rotation.periodDays,
        lastRotated: s.rotation.lastRotated,
        nextRotation: new Date(nextRotation(s)).toISOString(),
      },
      ...(s.deletion ? { deletionDate: s.deletion.scheduledFor } : {}),
    };
  }

  async rotate(): Promise<KeyStatus> {
    this.ensureNotPurged();
    if (this.set.removed || (this.custody.identity && !this.set.recoveryKey)) {
      // A version only this member held would lock the rest of the team out of what it writes next.
      throw new KeyUsageError(`only an admin of this team vault can start a new key version; ${this.set.removed ? 'you were removed from it' : 'ask an admin'}`);
    }
    if (this.set.deletion) {
      throw new KeyUsageError(
        `cannot rotate ${this.ref}: it is scheduled for deletion on ${this.set.deletion.scheduledFor}; cancel the deletion first`);
    }
    await this.flushAudit();
    await this.persist(withNewVersion(this.set, this.deps.random, this.deps.clock.now()));
    await this.deps.audit.append({ op: 'rotate', key: this.ref, version: this.set.current });
    return this.status();
  }

  async rotateIfDue(): Promise<boolean> {
    if (this.purged || this.set.deletion) return false;
    if (this.set.removed || (this.custody.identity && !this.set.recoveryKey)) return false;
    if (nextRotation(this.set) > this.deps.clock.now()) return false;
    await this.rotate();
    return true;
  }

  async scheduleDeletion(days: number, opts: { force?: boolean; inUse?: boolean } = {}): Promise<KeyStatus> {
    this.ensureNotPurged();
    checkDeletionWindow(days);
    if (this.set.deletion) {
      throw new KeyUsageError(`${this.ref} is already scheduled for deletion on ${this.set.deletion.scheduledFor}`);
    }
    if (opts.inUse && !opts.force) {
      throw new KeyUsageError(
        `${this.ref} still protects data in this vault; deleting it makes that data unreadable. Rotate and re-encrypt first, or force it`);
    }
    const scheduledFor = addDays(this.deps.clock.now(), days);
    await this.persist({ ...this.set, deletion: { scheduledFor } });
    await this.deps.audit.append({
      op: 'schedule-deletion', key: this.ref,
      detail: `in ${days} days, on ${scheduledFor}${opts.inUse ? ' (forced while in use)' : ''}`,
    });
    return this.status();
  }

  async cancelDeletion(): Promise<KeyStatus> {
    this.ensureNotPurged();
    if (!this.set.deletion) throw new KeyUsageError(`${this.ref} is not scheduled for deletion`);
    const { deletion: _gone, ...rest } = this.set;
    await this.persist(rest);
    await this.deps.audit.append({ op: 'cancel-deletion', key: this.ref });
    return this.status();
  }

  async setRotationPeriod(days: number): Promise<KeyStatus> {
    this.ensureNotPurged();
    checkRotationPeriod(days);
    await this.persist({ ...this.set, rotation: { ...this.set.rotation, periodDays: days } });
    return this.status();
  }

  async used(op: 'wrap' | 'unwrap', version: number): Promise<void> {
    const k = `${op}:${version}`;
    const n = (this.uses.get(k) ?? 0) + 1;
    this.uses.set(k, n);
    if (n === 1) await this.deps.audit.append({ op, key: this.ref, version, detail: 'first use in this session' });
  }

  async failed(version: number | undefined, detail: string): Promise<void> {
    await this.deps.audit.append({ op: 'unwrap-failed', key: this.ref, ...(version !== undefined ? { version } : {}), detail });
  }

  async flushAudit(): Promise<void> {
    for (const [k, n] of this.uses) {
      // The first use was logged when it happened; report only the rest.
      if (n > 1) {
        const [op, version] = k.split(':') as ['wrap' | 'unwrap', string];
        await this.deps.audit.append({ op, key: this.ref, version: Number(version), detail: `${n} uses this session` });
      }
    }
    this.uses.clear();
  }

  private ensureNotPurged(): void {
    if (this.purged) throw new KeyUnavailableError(`${this.ref} was deleted`);
  }

  private async ensureUsable(op: 'wrap' | 'unwrap'): Promise<void> {
    this.ensureNotPurged();
    const deletion = this.set.deletion;
    if (!deletion) return;
    if (Date.parse(deletion.scheduledFor) <= this.deps.clock.now()) {
      await this.purge();
      throw new KeyUnavailableError(`${this.ref} was deleted on ${deletion.scheduledFor}; data it protected cannot be read`);
    }
    await this.deps.audit.append({ op, key: this.ref, detail: `refused: scheduled for deletion on ${deletion.scheduledFor}` });
    throw new KeyUnavailableError(
      `${this.ref} is scheduled for deletion on ${deletion.scheduledFor} and cannot be used; cancel the deletion to use it again`);
  }

  /** The deletion date has come: destroy every copy we can reach. */
  private async purge(): Promise<void> {
    await this.custody.remove();
    await deleteSlot(this.deps.store, 'passphrase');
    await deleteSlot(this.deps.store, 'recovery');
    this.purged = true;
    await this.deps.audit.append({ op: 'schedule-deletion', key: this.ref, detail: 'deletion date reached: key material destroyed' });
  }
}

