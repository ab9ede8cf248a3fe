// Decides which OS notifications to show, as plain data and with an injected clock, so the rules are
// testable without Electron: sync failures, and keys reaching their rotation or deletion date.
// Each notice has an id; a notice is shown once per id (a failure at the same path and time, a key's
// rotation on one date), however often the state is re-checked.
import type { Clock } from '../engine/ports/clock.ts';
import type { KeyStatus } from '../engine/ports/key-provider.ts';
import type { VaultStatus } from '../engine/ports/vault-service.ts';
import { nextStep } from '../ipc/contract.ts';

export interface Notice {
  id: string;
  title: string;
  body: string;
  urgency: 'normal' | 'critical';
}

const DAY = 86_400_000;
/** How far ahead a deletion or rotation date is announced. */
export const KEY_DATE_LEAD_DAYS = 3;

export class NoticePlanner {
  readonly #seen = new Set<string>();
  readonly #clock: Clock;
  #inError = false;
  #outages = 0;
  #locked = false;
  #locks = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Notices for what the host reports: a vault that is locked (it syncs nothing until unlocked, e.g.
   * after starting at login without its passphrase) is announced once per lock; otherwise the status.
   */
  fromHost(input: { status: VaultStatus | null; locked: boolean }): Notice[] {
    if (input.locked) {
      if (this.#locked) return [];
      this.#locked = true;
      return this.#fresh([{
        id: `locked:${++this.#locks}`, title: 'Coffer is locked',
        body: 'Your files are not being protected until you unlock the vault. Choose Unlock… in the Coffer menu.', urgency: 'critical',
      }]);
    }
    this.#locked = false;
    return input.status ? this.fromStatus(input.status) : [];
  }

  /** Notices for a new engine status: the error state and each new failure. */
  fromStatus(status: VaultStatus): Notice[] {
    const out: Notice[] = [];
    // One notice per outage: entering the error state announces it; further errors (each retry names
    // another object) stay quiet until the vault has been healthy again.
    if (status.state === 'error' && !this.#inError) {
      const what = status.error ?? 'Sync stopped with an error.';
      const body = status.errorCode ? `${what} ${nextStep(status.errorCode, status.remote)}` : `${what} Open Coffer to retry.`;
      out.push({ id: `error:${++this.#outages}`, title: 'Coffer cannot sync', body, urgency: 'critical' });
    }
    if (status.state === 'error') this.#inError = true;
    else if (status.state === 'up-to-date') this.#inError = false;
    for (const f of status.failures.slice(0, 20)) {
      out.push({ id: `failure:${f.path}:${f.time}`, title: 'A file did not sync', body: `${f.path}: ${f.reason}`, urgency: 'normal' });
    }
    return this.#fresh(out);
  }

  /** Notices for keys whose rotation or deletion date is near or past. */
  fromKeys(keys: readonly KeyStatus[]): Notice[] {
    const now = this.#clock.now();
    const out: Notice[] = [];
    for (const k of keys) {
      const deletion = parseTime(k.deletionDate);
      if (k.state === 'pending-deletion' && deletion !== null && deletion - now <= KEY_DATE_LEAD_DAYS * DAY) {
        const past = deletion <= now;
        out.push({
          id: `deletion:${k.ref}:${k.deletionDate}:${past ? 'past' : 'soon'}`,
          title: past ? 'Key deleted' : 'Key deletion is near',
          body: past
            ? `${k.ref} reached its deletion date. Files sealed only under it can no longer be opened.`
            : `${k.ref} will be deleted on ${day(deletion)}. Cancel the deletion in Keys if this is a mistake.`,
          urgency: 'critical',
        });
      }
      const next = parseTime(k.rotation?.nextRotation);
      if (k.rotation?.enabled && next !== null && next - now <= KEY_DATE_LEAD_DAYS * DAY) {
        const due = next <= now;
        out.push({
          id: `rotation:${k.ref}:${k.rotation.nextRotation}:${due ? 'due' : 'soon'}`,
          title: due ? 'Key rotation is due' : 'Key rotation is near',
          body: due ? `${k.ref} reached its rotation date.` : `${k.ref} rotates on ${day(next)}.`,
          urgency: 'normal',
        });
      }
    }
    return this.#fresh(out);
  }

  #fresh(notices: Notice[]): Notice[] {
    return notices.filter((n) => {
      if (this.#seen.has(n.id)) return false;
      this.#seen.add(n.id);
      return true;
    });
  }
}

function parseTime(iso: string | undefined): number | null {
  if (iso === undefined) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
