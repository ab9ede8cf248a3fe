import type { ChangeHint } from '../ports/change-source.ts';
import { collapsePaths } from '../scan/rel-path.ts';
import { systemClock, type Clock, type TimerHandle } from '../ports/clock.ts';

/** What to scan next. 'all' means the whole root. */
export interface ScanBatch {
  scope: string[] | 'all';
  reason: 'hints' | 'overflow' | 'cap' | 'periodic' | 'requested' | 'retry';
}

export interface HintAggregatorOptions {
  /** Debounce and rescan timers; tests pass the fake clock. */
  clock?: Clock;
  /**
   * Emit once no hint arrived for this long. Default 250 ms: long enough to fold an editor's
   * write-rename-chmod of one save, or a `git checkout`, into one batch; short enough that a save is
   * committed well within 2 s.
   */
  quietMs?: number;
  /**
   * ...but never later than this after the first hint of the batch (the hard cap), so a file saved every
   * 100 ms still gets a pass at least this often. Default 1000 ms, or four quiet windows when a longer
   * `quietMs` is given (so a long quiet window still has room to coalesce).
   */
  maxDelayMs?: number;
  /** After a failed batch, wait at least this long before retrying it (a failing store is not hammered). Default 1000 ms. */
  retryMs?: number;
  /** More distinct pending paths than this and the batch becomes 'all'. Default 5000. */
  maxPaths?: number;
  /** A full rescan at least this often, to catch what no hint announced. Default 1 h; 0 disables. */
  fullRescanMs?: number;
}

/**
 * Turns a stream of hints into scan batches, as syncthing's aggregator does: duplicates coalesce, paths
 * under a hinted folder fold into it, an overflow or too many paths widen the batch to 'all', and a
 * periodic full rescan covers what the watcher missed.
 *
 * At most one batch is in flight: when `onBatch` returns a promise, hints keep collecting until it
 * settles, and the quiet window and the cap keep running meanwhile, so a batch that fell due during a
 * pass starts the moment that pass ends (a save during a pass waits for the rest of that pass, not for a
 * fresh window). If it rejects, its scope is merged back and retried after `retryMs`, so no hinted path
 * is ever lost.
 */
export class HintAggregator {
  private readonly clock: Clock;
  private readonly quietMs: number;
  private readonly maxDelayMs: number;
  private readonly maxPaths: number;
  private readonly fullRescanMs: number;
  private readonly retryMs: number;
  private pending: Set<string> | 'all' | null = null;
  private reason: ScanBatch['reason'] = 'hints';
  /** When the oldest pending hint arrived: the max delay counts from here. */
  private firstAt = 0;
  private flushTimer: TimerHandle | null = null;
  private periodicTimer: TimerHandle | null = null;
  private inFlight: Promise<void> | null = null;
  private dueWhileBusy = false;
  private stopped = false;

  constructor(private readonly onBatch: (batch: ScanBatch) => void | Promise<void>, opts: HintAggregatorOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.quietMs = opts.quietMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? Math.max(1000, 4 * this.quietMs);
    this.maxPaths = opts.maxPaths ?? 5000;
    this.fullRescanMs = opts.fullRescanMs ?? 3_600_000;
    this.retryMs = opts.retryMs ?? 1000;
    const checked = [['quietMs', this.quietMs], ['maxDelayMs', this.maxDelayMs], ['maxPaths', this.maxPaths], ['fullRescanMs', this.fullRescanMs], ['retryMs', this.retryMs]] as const;
    for (const [name, v] of checked) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`HintAggregator: ${name} must be a finite number >= 0, got ${v}`);
    }
  }

  /** Arms the periodic full rescan. Hints are accepted before start() too. */
  start(): void {
    this.armPeriodic();
  }

  push(hint: ChangeHint): void {
    if (this.stopped) return;
    if (hint.kind === 'overflow' || hint.kind === 'error' || hint.path === '') this.markAll('overflow');
    else if (this.pending !== 'all') {
      if (this.pending === null) {
        this.pending = new Set();
        this.firstAt = this.clock.now();
      }
      this.pending.add(hint.path);
      if (this.pending.size > this.maxPaths) this.markAll('cap');
    }
    this.armFlush();
  }

  /** A full scan as soon as nothing is in flight (at startup, or when the user asks). */
  requestFullScan(): void {
    if (this.stopped) return;
    this.markAll('requested');
    this.fire();
  }

  /** Stops timers and waits for the batch in flight; pending hints are dropped (the next start rescans). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.flushTimer?.cancel();
    this.periodicTimer?.cancel();
    this.flushTimer = this.periodicTimer = null;
    this.pending = null;
    await this.inFlight;
  }

  private markAll(reason: ScanBatch['reason']): void {
    if (this.pending !== 'all') this.reason = reason;
    if (this.pending === null) this.firstAt = this.clock.now();
    this.pending = 'all';
  }

  /** (Re)arms the flush: `quiet` after now, but never past the cap counted from the batch's first hint. */
  private armFlush(quiet = this.quietMs): void {
    const now = this.clock.now();
    this.flushTimer?.cancel();
    const delay = Math.max(0, Math.min(quiet, this.firstAt + Math.max(this.maxDelayMs, quiet) - now));
    this.flushTimer = this.clock.schedule(delay, () => {
      this.flushTimer = null;
      this.fire();
    });
  }

  private armPeriodic(): void {
    this.periodicTimer?.cancel();
    this.periodicTimer = null;
    if (this.stopped || this.fullRescanMs === 0) return;
    this.periodicTimer = this.clock.schedule(this.fullRescanMs, () => {
      this.periodicTimer = null;
      this.markAll('periodic');
      this.fire();
      this.armPeriodic();
    });
  }

  private fire(): void {
    if (this.inFlight) {
      this.dueWhileBusy = true;
      return;
    }
    if (this.pending === null) return;
    this.flushTimer?.cancel();
    this.flushTimer = null;
    const batch: ScanBatch = {
      scope: this.pending === 'all' ? 'all' : collapsePaths(this.pending),
      reason: this.reason,
    };
    this.pending = null;
    this.reason = 'hints';
    if (batch.scope === 'all') this.armPeriodic(); // a full scan just happened: restart the period
    let result: void | Promise<void>;
    try {
      result = this.onBatch(batch);
    } catch {
      this.requeue(batch);
      return;
    }
    if (!(result instanceof Promise)) return;
    this.inFlight = result.then(
      () => this.settle(),
      () => {
        this.requeue(batch);
        this.settle();
      },
    );
  }

  private settle(): void {
    this.inFlight = null;
    if (this.dueWhileBusy) {
      this.dueWhileBusy = false;
      this.fire();
    }
  }

  private requeue(batch: ScanBatch): void {
    if (this.stopped) return;
    if (batch.scope === 'all') this.markAll('retry');
    else for (const p of batch.scope) this.push({ kind: 'change', path: p });
    if (this.pending !== 'all' && this.pending !== null) this.reason = 'retry';
    this.armFlush(Math.max(this.quietMs, this.retryMs));
  }
}
