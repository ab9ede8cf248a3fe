import type { Clock } from '../ports/clock.ts';
import type { TimerHandle, Timers } from './timers.ts';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Manual time for tests: nothing fires until advance(ms). Timers fire in due order (ties in the order
 * they were scheduled), each with now() set to its due time; a timer scheduled by a callback fires in
 * the same advance() if it falls due within it. Also a Clock, so code taking a Clock can share it.
 */
export class FakeTimers implements Timers, Clock {
  private current: number;
  private seq = 0;
  private readonly pending = new Set<Pending>();

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(ms: number, fn: () => void): TimerHandle {
    if (!(ms >= 0)) throw new RangeError(`delay must be >= 0, got ${ms}`);
    const p: Pending = { at: this.current + ms, seq: this.seq++, fn };
    this.pending.add(p);
    return { cancel: () => void this.pending.delete(p) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const h = this.schedule(ms, resolve);
      signal?.addEventListener('abort', () => {
        h.cancel();
        reject(signal.reason);
      }, { once: true });
    });
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance must be >= 0, got ${ms}`);
    const end = this.current + ms;
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next.at > end) break;
      this.pending.delete(next);
      this.current = next.at;
      next.fn();
    }
    this.current = end;
  }

  /** Number of timers still waiting. */
  get size(): number {
    return this.pending.size;
  }

  private nextDue(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) {
      if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    }
    return best;
  }
}
