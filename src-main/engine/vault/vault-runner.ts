import type { SyncProgress, SyncState, SyncSummary } from '../ports/vault-service.ts';
import { ChokidarChangeSource } from '../watch/chokidar-change-source.ts';
import { HintAggregator, type ScanBatch } from '../watch/hint-aggregator.ts';
import type { Clock } from '../ports/clock.ts';
import type { ChangeSource } from '../ports/change-source.ts';
import { VaultSyncer, type SyncerOptions } from './vault-sync.ts';
import { Maintenance, maintainedSync } from './maintenance.ts';
import { MassDeleteError } from '../sync/mass-delete-guard.ts';
import { PassStoppedError } from '../sync/pass-stop.ts';
import { loadIndex } from '../sync/local-index.ts';
import { PeriodicTask } from './periodic-task.ts';
import { DEFAULT_POLL_SECONDS } from '../journal/settings-store.ts';
import type { LocalVault } from './local-vault.ts';

export interface RunnerEvents {
  onState?: (state: SyncState, detail?: string) => void;
  onProgress?: (p: SyncProgress) => void;
  onPass?: (summary: SyncSummary & { problems: { path: string; reason: string }[] }) => void;
  /** After each poll of the head: whether another device had moved it (a pass follows), or the poll failed. */
  onPoll?: (poll: { moved: boolean } | { error: string }) => void;
}

/**
 * Keeps a folder synced: a full pass at start (catches changes made while Coffer was not running), then
 * watch hints through the aggregator, plus a periodic full rescan. One pass at a time; a failed pass
 * leaves the state 'error' and is retried by the aggregator. Every `pollSeconds` it asks the bucket
 * whether another device moved the head (one conditional GET, ManifestStore.headChanged) and runs a full
 * pass when it did, so their commits come down without a local change.
 */
export class VaultRunner {
  state: SyncState = 'up-to-date';
  lastError: string | undefined;
  /** The error behind lastError (for the status's errorCode); undefined with lastError. */
  lastFailure: unknown;
  lastSync: string | undefined;
  problems: { path: string; reason: string; time: string }[] = [];
  /** Set while the mass-delete guard holds a pass back, until the user confirms or the files return. */
  massDelete: { wouldDelete: number; total: number } | undefined;
  private readonly syncer: VaultSyncer;
  /** Rotation when due, the daily prune, the dead-upload sweep: run around each pass it schedules. */
  private readonly maintenance: Maintenance;
  private aggregator: HintAggregator | null = null;
  private source: ChangeSource | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private paused = false;
  /** Polls the head; its timer runs on the runner's clock. */
  private poller: PeriodicTask | null = null;
  /** The head's etag as of the last pass (committed or read): what the poll compares with. */
  private headEtag: string | null = null;
  /** Set while the state shows a failed poll: what it showed before, which the next good poll puts back. */
  private beforePollFailure: { state: SyncState; error: string | undefined } | null = null;

  constructor(
    private readonly vault: LocalVault,
    private readonly events: RunnerEvents = {},
    private readonly opts: { clock?: Clock; quietMs?: number; fullRescanMs?: number; changeSource?: ChangeSource; syncer?: SyncerOptions } = {},
  ) {
    // Pause stops a running pass at its next safe point (between files, before the commit).
    this.syncer = new VaultSyncer(vault, { ...opts.syncer, onProgress: (p) => events.onProgress?.(p), stopRequested: () => this.paused });
    this.maintenance = new Maintenance(vault, opts.clock ?? vault.clock);
  }

  async start(): Promise<void> {
    const folder = this.syncer.folder;
    this.aggregator = new HintAggregator((batch) => this.onBatch(batch), {
      clock: this.opts.clock, quietMs: this.opts.quietMs, fullRescanMs: this.opts.fullRescanMs ?? (this.vault.settings?.rescanIntervalSec ?? 3600) * 1000,
    });
    this.source = this.opts.changeSource ?? new ChokidarChangeSource({ root: folder, ignore: await this.syncer.ignoreRules(), excludeAbsolute: [this.vault.env.home] });
    await this.source.start((hint) => this.aggregator?.push(hint));
    this.headEtag = (await loadIndex(this.vault.paths.index)).etag;
    this.aggregator.start();
    this.aggregator.requestFullScan();
    this.poller = new PeriodicTask(this.opts.clock ?? this.vault.clock, () => (this.vault.settings?.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000, () => this.pollHead());
    this.poller.start();
  }

  /**
   * One poll, in turn with the passes: nothing while paused or while the mass-delete guard waits for the
   * user; else one conditional read of the head, and a full pass when it moved.
   */
  private pollHead(): Promise<void> {
    return this.exclusive(async () => {
      if (this.paused || this.massDelete) return;
      let moved;
      try {
        moved = await this.vault.manifest.headChanged(this.headEtag);
      } catch (err) {
        this.beforePollFailure ??= { state: this.state, error: this.lastError };
        this.lastError = `could not check the vault for other devices' changes: ${(err as Error).message}`;
        this.lastFailure = err;
        this.setState('error', this.lastError);
        this.events.onPoll?.({ error: this.lastError });
        return;
      }
      const before = this.beforePollFailure;
      if (before) {
        this.beforePollFailure = null;
        this.lastError = before.error;
        if (before.error === undefined) this.lastFailure = undefined;
        if (!moved) this.setState(before.state, before.error);
      }
      if (moved) await this.pass({ scope: 'all', reason: 'periodic' }).catch(() => undefined);
      this.events.onPoll?.({ moved: moved !== null });
    });
  }

  /** A full pass now, after any pass in flight. */
  syncNow(opts: { allowMassDelete?: boolean } = {}): Promise<SyncSummary> {
    return this.exclusive(() => this.pass({ scope: 'all', reason: 'requested' }, opts.allowMassDelete));
  }

  /**
   * Pauses: no new pass starts, and a running one stops at its next safe point (between files, before
   * the commit; sync/pass-stop.ts). Resolves once nothing runs any more.
   */
  async pause(): Promise<void> {
    this.paused = true;
    this.setState('paused');
    await this.chain.catch(() => undefined);
  }

  async resume(): Promise<void> {
    this.paused = false;
    this.setState(this.lastError ? 'error' : 'up-to-date');
    this.aggregator?.requestFullScan();
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
    await this.source?.stop();
    await this.aggregator?.stop();
    await this.chain.catch(() => undefined);
    await this.syncer.close();
  }

  /**
   * Runs `fn` between passes with the vault's journal lock released: team changes and re-encryption commit
   * under that lock themselves, and the syncer takes it again at its next pass.
   */
  withoutSyncing<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.syncer.close();
      return fn();
    });
  }

  private onBatch(batch: ScanBatch): Promise<void> {
    if (this.paused) return Promise.resolve();
    return this.exclusive(() => this.pass(batch)).then(() => undefined);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.catch(() => undefined).then(fn);
    this.chain = run;
    return run;
  }

  private async pass(batch: ScanBatch, allowMassDelete = false): Promise<SyncSummary> {
    this.setState('syncing');
    try {
      const r = await maintainedSync(this.vault, this.syncer, this.maintenance, { scope: batch.scope === 'all' ? undefined : batch.scope, allowMassDelete });
      this.lastSync = new Date(this.vault.clock.now()).toISOString();
      this.headEtag = r.index.etag;
      this.lastError = undefined;
      this.lastFailure = undefined;
      this.beforePollFailure = null;
      this.massDelete = undefined;
      // A watch batch scans a few paths: what earlier passes could not store elsewhere still counts.
      // The status contract carries at most 1,000 failures; `coffer status --json` lists them all.
      this.problems = (r.index.notStored ?? r.problems.map((p) => ({ ...p, time: this.lastSync! }))).slice(0, 1000);
      const { index: _i, pruned: _p, repacked: _r, committed: _c, ...summary } = r;
      this.events.onPass?.(summary);
      this.setState(this.paused ? 'paused' : this.problems.length > 0 ? 'error' : r.state);
      return summary;
    } catch (err) {
      if (err instanceof PassStoppedError) {
        // Paused meanwhile: not an error; the next pass (after Resume) picks up what this one stored.
        this.setState('paused');
        return { uploaded: 0, deleted: 0, renamed: 0, skipped: 0, errors: 0, bytes: 0, state: 'paused' };
      }
      this.beforePollFailure = null; // this failure is what the state shows now
      this.massDelete = err instanceof MassDeleteError ? { wouldDelete: err.wouldDelete, total: err.total } : undefined;
      this.lastError = err instanceof MassDeleteError
        ? `${err.wouldDelete} of ${err.total} files are gone from the folder; nothing was deleted from the vault yet`
        : (err as Error).message;
      this.lastFailure = err;
      this.setState('error', this.lastError);
      throw err;
    }
  }

  private setState(state: SyncState, detail?: string): void {
    this.state = state;
    this.events.onState?.(state, detail);
  }
}
