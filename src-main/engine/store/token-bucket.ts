import type { Clock } from '../ports/clock.ts';

/**
 * A token bucket in bytes. take(n) waits until n tokens are available; a request larger than the
 * burst is allowed to borrow (the balance goes negative) and the next caller waits it off, so large
 * chunks neither deadlock nor exceed the long-run rate. Callers are served in arrival order.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  private bytesPerSecond: number;
  private burst: number;

  constructor(bytesPerSecond: number, private readonly clock: Clock, burst = bytesPerSecond) {
    this.bytesPerSecond = checkRate(bytesPerSecond);
    this.burst = burst;
    this.tokens = burst;
    this.last = clock.now();
  }

  /**
   * A new rate (and a burst of one second of it) from now on: what accrued so far is counted at the old
   * rate, and a caller already waiting finishes its wait, so the change never lets a burst through.
   */
  setRate(bytesPerSecond: number): void {
    checkRate(bytesPerSecond);
    this.refill();
    this.bytesPerSecond = bytesPerSecond;
    this.burst = bytesPerSecond;
    this.tokens = Math.min(this.tokens, this.burst);
  }

  take(n: number, signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.wait(n, signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async wait(n: number, signal?: AbortSignal): Promise<void> {
    this.refill();
    if (this.tokens < 0) {
      await this.clock.sleep(Math.ceil((-this.tokens / this.bytesPerSecond) * 1000), signal);
      this.refill();
    }
    this.tokens -= n;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond);
    this.last = now;
  }
}

function checkRate(bytesPerSecond: number): number {
  if (!(bytesPerSecond > 0)) throw new RangeError(`bandwidth limit must be positive, got ${bytesPerSecond}`);
  return bytesPerSecond;
}
