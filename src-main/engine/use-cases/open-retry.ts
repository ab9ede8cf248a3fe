import type { Clock, TimerHandle } from '../ports/clock.ts';

/** Seconds between tries: quick at first (a disk being plugged in), then every five minutes. */
export const OPEN_BACKOFF_MS: readonly number[] = [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000];

export interface OpenWaiting {
  error: unknown;
  /** Tries so far (1 after the first failure). */
  attempts: number;
  /** When the next try runs (ms since the epoch, on the loop's clock). */
  nextTryAt: number;
}

export interface OpenRetryEvents<T> {
  /** A try failed with an error worth waiting out; another is scheduled. */
  onWaiting(w: OpenWaiting): void | Promise<void>;
  /** A try succeeded; the loop stops. */
  onOpened(value: T): void | Promise<void>;
  /** A try failed with an error waiting cannot cure; the loop stops. */
  onGaveUp(error: unknown): void;
  /** A try that succeeded after stop(): nobody takes the value, so it is closed here. */
  discard(value: T): Promise<void>;
}

/**
 * Opens something that may not be reachable yet (a vault whose destination is an unplugged disk or an S3
 * endpoint without network), trying again on its own with backoff on an injected clock. A wrapper around
 * the open, so nothing below it branches on "is the disk there". One try at a time: retryNow() during a
 * try joins it. Events fire in order, from the try that caused them.
 */
export class OpenRetry<T> {
  #attempts = 0;
  #timer: TimerHandle | null = null;
  #running: Promise<T | null> | null = null;
  #stopped = false;

  constructor(
    private readonly open: () => Promise<T>,
    private readonly worthRetrying: (err: unknown) => boolean,
    private readonly events: OpenRetryEvents<T>,
    private readonly clock: Clock,
    private readonly backoffMs: readonly number[] = OPEN_BACKOFF_MS,
  ) {}

  get attempts(): number {
    return this.#attempts;
  }

  /**
   * One try now (the timer, if any, is cancelled). Resolves with the opened value, or null when the try
   * failed and another is scheduled; rejects with an error waiting cannot cure (after onGaveUp).
   */
  tryNow(): Promise<T | null> {
    if (this.#running) return this.#running;
    this.#timer?.cancel();
    this.#timer = null;
    const run = this.#try().finally(() => {
      if (this.#running === run) this.#running = null;
    });
    this.#running = run;
    return run;
  }

  /** No more tries; a try in flight finishes, but its outcome schedules nothing. */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = null;
    return (this.#running ?? Promise.resolve()).then(() => undefined, () => undefined);
  }

  async #try(): Promise<T | null> {
    this.#attempts++;
    let value: T;
    try {
      value = await this.open();
    } catch (err) {
      if (this.#stopped) return null;
      if (!this.worthRetrying(err)) {
        this.events.onGaveUp(err);
        throw err;
      }
      const delay = this.backoffMs[Math.min(this.#attempts - 1, this.backoffMs.length - 1)]!;
      const nextTryAt = this.clock.now() + delay;
      this.#timer = this.clock.schedule(delay, () => {
        this.#timer = null;
        // A scheduled try's failure is reported through the events; nothing awaits it here.
        this.tryNow().catch(() => undefined);
      });
      await this.events.onWaiting({ error: err, attempts: this.#attempts, nextTryAt });
      return null;
    }
    if (this.#stopped) {
      await this.events.discard(value);
      return null;
    }
    await this.events.onOpened(value);
    return value;
  }
}
