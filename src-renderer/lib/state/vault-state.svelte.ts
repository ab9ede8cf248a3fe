// The running vault as the whole app sees it: status and live progress, kept current by engine events.
import { ApiError } from '../../../src-main/ipc/contract.ts';
import type { ApiClient, ConflictView, SyncProgress, VaultStatus, DayBytes } from '../api-types.ts';
import { VersionsState } from './versions-state.svelte.ts';
import { localUtcOffsetMinutes } from '../day-range.ts';

export class VaultState {
  status = $state<VaultStatus | null>(null);
  progress = $state<SyncProgress | null>(null);
  loading = $state(true);
  error = $state<ApiError | null>(null);
  /** The last action's failure (sync now, pause, resume), shown beside the buttons. */
  actionError = $state<string | null>(null);
  busy = $state(false);
  days = $state<DayBytes[]>([]);
  /** Recent conflict copies (both versions kept), newest first; the versions panel opens either side. */
  conflicts = $state<ConflictView[]>([]);
  readonly versions: VersionsState;
  notConfigured = $derived(this.status?.state === 'not-configured' || this.error?.code === 'not-configured');
  /** A passphrase vault opened without its passphrase: the app shows the unlock form. */
  locked = $derived(this.status === null && this.error?.code === 'key-unavailable');

  constructor(private readonly api: ApiClient) {
    this.versions = new VersionsState(api);
  }

  /** Starts listening to engine events and loads the status; returns the stop function. */
  start(): () => void {
    const stop = this.api.subscribe((event) => {
      if (event.type === 'status') {
        this.status = event.status;
        this.progress = event.status.progress ?? null;
        this.error = null;
      } else if (event.type === 'progress') {
        this.progress = event.progress;
      } else if (event.type === 'history') {
        void this.loadConflicts(); // one event per pass: a pull may have written conflict copies
      }
    });
    void this.load();
    return stop;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      const status = await this.api.status();
      this.status = status;
      this.progress = status.progress ?? null;
      this.error = null;
      if (status.state !== 'not-configured') {
        void this.loadChart();
        void this.loadConflicts();
      }
    } catch (err) {
      this.error = err instanceof ApiError ? err : new ApiError('internal', String(err));
    } finally {
      this.loading = false;
    }
  }

  /** Another folder was selected: its status replaces this one, or its failure (locked, error) shows instead. */
  async reload(): Promise<void> {
    await this.load();
    if (this.error) {
      this.status = null;
      this.progress = null;
    }
  }

  async loadChart(days = 14): Promise<void> {
    try {
      this.days = await this.api.bytesPerDay({ days, utcOffsetMinutes: localUtcOffsetMinutes() });
    } catch {
      this.days = []; // The chart is a nicety: its failure must not hide the status.
    }
  }

  async loadConflicts(): Promise<void> {
    try {
      this.conflicts = await this.api.conflicts();
    } catch {
      this.conflicts = []; // like the chart: a nicety whose failure must not hide the status
    }
  }

  syncNow = () => this.act(async () => { await this.api.syncNow(); });
  /** The user confirmed what the mass-delete guard paused on. */
  confirmMassDelete = () => this.act(async () => { await this.api.syncNow({ allowMassDelete: true }); });
  pause = () => this.act(() => this.api.pause());
  resume = () => this.act(() => this.api.resume());

  private async act(fn: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.actionError = null;
    try {
      await fn();
      await this.load();
    } catch (err) {
      this.actionError = err instanceof Error ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }
}
