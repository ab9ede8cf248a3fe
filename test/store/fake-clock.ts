import type { Clock, RandomSource } from '../../src-main/engine/ports/clock.ts';

/** A clock whose sleep() advances time at once and records each delay: tests of backoff and limits. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private t = 1_000_000) {}
  now(): number {
    return this.t;
  }
  /** Time passing outside sleep(): a slow request. */
  advance(ms: number): void {
    this.t += ms;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.t += ms;
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
