import { randomBytes } from 'node:crypto';

/**
 * Time, injected so backoff, debounce, retention and known-answer tests are deterministic: the one
 * fake is test/support/fake-clock.ts. Backoff and rate limits sleep(); debouncing schedules timers.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason once it aborts (the wait is then cancelled). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` once after `ms`; the handle cancels it (cancelling twice, or after it ran, is harmless).
   *  A pending timer does not keep the process alive on its own. */
  schedule(ms: number, fn: () => void): TimerHandle;
}

export interface TimerHandle {
  cancel(): void;
}

export type RandomSource = (n: number) => Uint8Array;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(signal.reason);
      }, { once: true });
    }),
  schedule(ms, fn) {
    const t = setTimeout(fn, ms);
    // A pending debounce or periodic rescan must not keep a CLI process alive on its own.
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

export const systemRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));
