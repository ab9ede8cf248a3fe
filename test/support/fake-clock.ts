import type { Clock, RandomSource, TimerHandle } from '../../src-main/engine/ports/clock.ts';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * The one fake Clock. Time moves only when a test says so: advance(ms), or a sleep(), which returns at
 * once after moving time by its delay and records it in `sleeps` (backoff and rate-limit tests read
 * those). Timers fire in due order (ties in the order scheduled), each with now() at its due time; a timer
 * scheduled by a callback fires in the same advance() if it falls due within it.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private seq = 0;
  private readonly pending = new Set<Pending>();

  constructor(private t = 1_000_000) {}

  now(): number {
    return this.t;
  }

  schedule(ms: number, fn: () => void): TimerHandle {
    if (!(ms >= 0)) throw new RangeError(`delay must be >= 0, got ${ms}`);
    const p: Pending = { at: this.t + ms, seq: this.seq++, fn };
    this.pending.add(p);
    return { cancel: () => void this.pending.delete(p) };
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.advance(ms);
  }

  /** Moves time forward by `ms` (a slow request, a quiet period), firing every timer due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance must be >= 0, got ${ms}`);
    const end = this.t + ms;
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next.at > end) break;
      this.pending.delete(next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  /** Sets the time outright (a test that jumps to a date); moving forward fires the timers due by then. */
  setNow(t: number): void {
    if (t >= this.t) this.advance(t - this.t);
    else this.t = t;
  }

  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
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

/** A deterministic RandomSource (xorshift32), so fault and jitter sequences repeat run to run. */
export function seededRandom(seed = 0x9e3779b9): RandomSource {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13; x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5; x >>>= 0;
      out[i] = x & 0xff;
    }
    return out;
  };
}
