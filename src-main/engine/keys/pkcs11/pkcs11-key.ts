import type { KeyringNode } from '@aws-crypto/material-management-node';
import type { Clock, RandomSource } from '../../ports/clock.ts';
import type { KeyStatus } from '../../ports/key-provider.ts';
import { KeyUsageError } from '../key-errors.ts';
import { addDays, checkDeletionWindow, checkRotationPeriod } from '../key-set.ts';
import { auditQuietly, type AuditSink, type ManagedKey } from '../kms/types.ts';
import { UseAudit } from '../kms/use-audit.ts';
import { withSession, type Session } from './pkcs11-module.ts';
import { Pkcs11KeyError } from './pkcs11-errors.ts';
import { Pkcs11Keyring, type TokenAccess } from './pkcs11-keyring.ts';
import type { Pkcs11State, Pkcs11StateFile } from './pkcs11-state.ts';
import { destroyVersion, generateVersion, listVersions } from './token-keys.ts';

const DAY_MS = 86_400_000;

/** status() reports, never throws, the ordinary cases: no PIN or a wrong one is 'locked'. */
function stateFor(err: Pkcs11KeyError): KeyStatus['state'] {
  switch (err.problem) {
    case 'no-pin': case 'wrong-pin': case 'pin-locked': return 'locked';
    case 'no-token': case 'missing-key': return 'missing';
    default: return 'error';
  }
}

export interface Pkcs11Config {
  token: string;
  key: string;
  modulePath: string;
  pin: () => Promise<string>;
}

export interface Pkcs11Deps {
  clock: Clock;
  random: RandomSource;
  audit?: AuditSink;
  state: Pkcs11StateFile;
}

/**
 * An AES-256 key on a PKCS#11 token as a ManagedKey. The token holds every version (`<key>#v<N>`)
 * and does all wrapping; the state file holds dates, the rotation period and a scheduled deletion.
 */
export class Pkcs11ManagedKey implements ManagedKey {
  private pin: string | undefined;
  private readonly uses: UseAudit;
  private readonly access: TokenAccess;

  constructor(readonly ref: string, private readonly cfg: Pkcs11Config, private readonly deps: Pkcs11Deps) {
    this.uses = new UseAudit(ref, deps.audit);
    this.access = { token: cfg.token, key: cfg.key, run: (body) => this.run(body) };
  }

  /** A logged-in session for one synchronous body; the PIN is kept in memory once it worked. */
  async run<T>(body: (s: Session) => T): Promise<T> {
    const pin = this.pin ?? (await this.cfg.pin());
    const out = withSession(this.cfg.modulePath, this.cfg.token, pin, body);
    this.pin = pin;
    return out;
  }

  async encryptKeyring(): Promise<KeyringNode> {
    await this.ensureUsable('wrap');
    return new Pkcs11Keyring(this.access, this.deps.random, this.uses, await this.currentVersion());
  }

  async decryptKeyring(): Promise<KeyringNode> {
    await this.ensureUsable('unwrap');
    return new Pkcs11Keyring(this.access, this.deps.random, this.uses);
  }

  async currentVersion(): Promise<number> {
    const versions = await this.run((s) => listVersions(s, this.cfg.key).map((v) => v.version));
    const current = Math.max(0, ...versions);
    if (current === 0) throw this.missing();
    return current;
  }

  async status(): Promise<KeyStatus> {
    const base = { ref: this.ref, provider: 'pkcs11' as const, type: 'aes-256' as const, versions: [] };
    let versions: number[];
    let st: Pkcs11State;
    try {
      st = await this.maintain();
      versions = await this.run((s) => listVersions(s, this.cfg.key).map((v) => v.version));
      if (versions.length === 0) throw this.missing();
      st = await this.recordDates(st, versions);
    } catch (err) {
      if (!(err instanceof Pkcs11KeyError)) throw err;
      return { ...base, state: stateFor(err), detail: err.message };
    }
    const current = Math.max(...versions);
    const lastRotated = st.versions[String(current)] as string;
    return {
      ...base,
      state: st.deletion ? 'pending-deletion' : 'enabled',
      ...(st.deletion ? { detail: `scheduled for deletion on ${st.deletion.scheduledFor}; cancel to keep it`, deletionDate: st.deletion.scheduledFor } : {}),
      versions: versions.map((v) => ({ version: v, createdAt: st.versions[String(v)] as string, current: v === current })),
      rotation: {
        enabled: true,
        periodDays: st.rotationDays,
        lastRotated,
        nextRotation: new Date(Date.parse(lastRotated) + st.rotationDays * DAY_MS).toISOString(),
      },
    };
  }

  async rotate(): Promise<KeyStatus> {
    const st = await this.maintain();
    if (st.deletion) throw new KeyUsageError(`cannot rotate ${this.ref}: it is scheduled for deletion on ${st.deletion.scheduledFor}; cancel the deletion first`);
    const version = await this.run((s) => {
      const next = Math.max(0, ...listVersions(s, this.cfg.key).map((v) => v.version)) + 1;
      if (next === 1) throw this.missing();
      generateVersion(s, this.cfg.key, next);
      return next;
    });
    await this.deps.state.update((s) => ({ ...s, versions: { ...s.versions, [String(version)]: this.now() } }));
    await this.uses.flush();
    await auditQuietly(this.deps.audit, { op: 'rotate', key: this.ref, version });
    return this.status();
  }

  async rotateIfDue(): Promise<boolean> {
    const st = await this.maintain();
    if (st.deletion) return false;
    const current = await this.currentVersion();
    const made = (await this.recordDates(st, [current])).versions[String(current)] as string;
    if (Date.parse(made) + st.rotationDays * DAY_MS > this.deps.clock.now()) return false;
    await this.rotate();
    return true;
  }

  async scheduleDeletion(days: number, opts: { force?: boolean; inUse?: boolean } = {}): Promise<KeyStatus> {
    checkDeletionWindow(days);
    const st = await this.maintain();
    if (st.deletion) throw new KeyUsageError(`${this.ref} is already scheduled for deletion on ${st.deletion.scheduledFor}`);
    if (opts.inUse && !opts.force) {
      throw new KeyUsageError(`${this.ref} still protects data in this vault; deleting it makes that data unreadable. Rewrap first, or force it`);
    }
    const scheduledFor = addDays(this.deps.clock.now(), days);
    await this.deps.state.write({ ...st, deletion: { scheduledFor } });
    await auditQuietly(this.deps.audit, { op: 'schedule-deletion', key: this.ref, detail: `in ${days} days, on ${scheduledFor}` });
    return this.status();
  }

  async cancelDeletion(): Promise<KeyStatus> {
    const { deletion, ...rest } = await this.maintain();
    if (!deletion) throw new KeyUsageError(`${this.ref} is not scheduled for deletion`);
    await this.deps.state.write(rest);
    await auditQuietly(this.deps.audit, { op: 'cancel-deletion', key: this.ref });
    return this.status();
  }

  async setRotationPeriod(days: number): Promise<KeyStatus> {
    checkRotationPeriod(days);
    await this.deps.state.update((s) => ({ ...s, rotationDays: days }));
    await auditQuietly(this.deps.audit, { op: 'rotate', key: this.ref, detail: `rotation every ${days} days` });
    return this.status();
  }

  async flushAudit(): Promise<void> {
    await this.uses.flush();
  }

  private async ensureUsable(op: 'wrap' | 'unwrap'): Promise<void> {
    const st = await this.maintain();
    if (!st.deletion) return;
    await auditQuietly(this.deps.audit, { op: op === 'wrap' ? 'wrap' : 'unwrap-failed', key: this.ref, detail: `refused: scheduled for deletion on ${st.deletion.scheduledFor}` });
    throw new Pkcs11KeyError('pending-deletion',
      `${this.ref} is scheduled for deletion on ${st.deletion.scheduledFor} and cannot be used; cancel the deletion to use it again`);
  }

  /** When a scheduled deletion is due, destroys every version on the token, then forgets the schedule. */
  private async maintain(): Promise<Pkcs11State> {
    const st = await this.deps.state.read();
    if (!st.deletion || Date.parse(st.deletion.scheduledFor) > this.deps.clock.now()) return st;
    const destroyed = await this.run((s) => {
      const all = listVersions(s, this.cfg.key);
      for (const v of all) destroyVersion(s, v);
      return all.length;
    });
    const { deletion: _done, ...rest } = st;
    const next = { ...rest, versions: {} };
    await this.deps.state.write(next);
    await auditQuietly(this.deps.audit, { op: 'schedule-deletion', key: this.ref, detail: `deletion date reached: ${destroyed} key versions destroyed on the token` });
    return next;
  }

  /** Versions made outside Coffer (or before the state file) get the time they were first seen. */
  private async recordDates(st: Pkcs11State, versions: number[]): Promise<Pkcs11State> {
    const unknown = versions.filter((v) => st.versions[String(v)] === undefined);
    if (unknown.length === 0) return st;
    const next = { ...st, versions: { ...st.versions, ...Object.fromEntries(unknown.map((v) => [String(v), this.now()])) } };
    await this.deps.state.write(next);
    return next;
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  private missing(): Pkcs11KeyError {
    return new Pkcs11KeyError('missing-key',
      `there is no key labelled "${this.cfg.key}" on token "${this.cfg.token}": create it with "coffer key create ${this.ref}", or check the label`);
  }
}
