/**
 * Timers: the part of a clock that debouncing needs (Clock in ports/clock.ts only sleeps).
 * Injected so aggregator tests run on a fake (fake-timers.ts) and never wait for real time.
 */
export interface Timers {
  now(): number;
  /** Runs `fn` once after `ms`; the returned handle cancels it (cancelling twice is harmless). */
  schedule(ms: number, fn: () => void): TimerHandle;
}

export interface TimerHandle {
  cancel(): void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const t = setTimeout(fn, ms);
    // A pending debounce or periodic rescan must not keep a CLI process alive on its own.
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
