// Keys: status per key, rotation, deletion with a usage scan first, and the verified audit log.
import type { ApiClient, AuditLog, KeyStatus, KeyUsage } from '../api-types.ts';
import { vaultNameOf } from './key-deletion.ts';

/** Audit entries per page. */
export const AUDIT_PAGE_SIZE = 50;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class KeysState {
  keys = $state<KeyStatus[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  audit = $state<AuditLog | null>(null);
  auditError = $state<string | null>(null);
  /** The audit page shown, 0 = the newest entries. */
  auditPage = $state(0);
  /** The protected folder's base name: what the user types to delete the only key. Null until known. */
  vaultName = $state<string | null>(null);
  /** Per-key outcome of the last action, keyed by ref. */
  notice = $state<Record<string, string>>({});
  busyRef = $state<string | null>(null);
  /** The usage scan shown before scheduling deletion. */
  usage = $state<KeyUsage | null>(null);
  usageLoading = $state(false);
  usageError = $state<string | null>(null);

  constructor(private readonly api: ApiClient) {}

  start(): () => void {
    const stop = this.api.subscribe((event) => {
      if (event.type === 'key') this.replace(event.status);
    });
    void this.load();
    return stop;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.keys = await this.api.keys();
      this.error = null;
    } catch (err) {
      this.error = message(err);
    } finally {
      this.loading = false;
    }
    await Promise.all([this.loadAudit(), this.loadVaultName()]);
  }

  async loadAudit(page = this.auditPage): Promise<void> {
    try {
      this.audit = await this.api.audit({ offset: page * AUDIT_PAGE_SIZE, limit: AUDIT_PAGE_SIZE });
      this.auditPage = page;
      this.auditError = null;
    } catch (err) {
      this.auditError = message(err);
    }
  }

  /** Pages of the audit log: a count of all entries comes with each page. */
  auditPages(): number {
    return Math.max(1, Math.ceil((this.audit?.total ?? 0) / AUDIT_PAGE_SIZE));
  }

  showAuditPage = (page: number) => this.loadAudit(Math.min(Math.max(0, page), this.auditPages() - 1));

  private async loadVaultName(): Promise<void> {
    try {
      this.vaultName = vaultNameOf((await this.api.status()).folder);
    } catch {
      // Without it the only-key deletion cannot be confirmed: the dialog says so.
      this.vaultName = null;
    }
  }

  rotate = (ref: string) => this.act(ref, () => this.api.rotateKey({ ref }), 'Rotated: a new version now wraps new files.');
  cancelDeletion = (ref: string) => this.act(ref, () => this.api.cancelKeyDeletion({ ref }), 'Deletion cancelled.');

  async scanUsage(ref: string): Promise<void> {
    this.usage = null;
    this.usageError = null;
    this.usageLoading = true;
    const { [ref]: _old, ...rest } = this.notice;
    this.notice = rest;
    try {
      this.usage = await this.api.keyUsage({ ref });
    } catch (err) {
      this.usageError = message(err);
    } finally {
      this.usageLoading = false;
    }
  }

  closeUsage(): void {
    this.usage = null;
    this.usageError = null;
  }

  async scheduleDeletion(ref: string, days: number, force: boolean): Promise<void> {
    await this.act(ref, () => this.api.scheduleKeyDeletion({ ref, days, force }), `Deletion scheduled in ${days} days.`);
    if (!this.notice[ref]?.startsWith('Failed')) this.closeUsage();
  }

  private async act(ref: string, fn: () => Promise<KeyStatus>, done: string): Promise<void> {
    this.busyRef = ref;
    try {
      this.replace(await fn());
      this.notice = { ...this.notice, [ref]: done };
      void this.loadAudit(0);
    } catch (err) {
      this.notice = { ...this.notice, [ref]: `Failed: ${message(err)}` };
    } finally {
      this.busyRef = null;
    }
  }

  private replace(status: KeyStatus): void {
    const i = this.keys.findIndex((k) => k.ref === status.ref);
    this.keys = i < 0 ? [...this.keys, status] : this.keys.map((k, j) => (j === i ? status : k));
  }
}

/** Files and objects still sealed under any version of the key: deleting it would make them unreadable. */
export function usageInUse(usage: KeyUsage): { files: number; objects: number } {
  return usage.byVersion.reduce((acc, v) => ({ files: acc.files + v.files, objects: acc.objects + v.objects }), { files: 0, objects: 0 });
}
