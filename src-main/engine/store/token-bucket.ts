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

  constructor(
    private readonly bytesPerSecond: number,
    private readonly clock: Clock,
    private readonly burst = bytesPerSecond,
  ) {
    if (!(bytesPerSecond > 0)) throw new RangeError(`bandwidth limit must be positive, got ${bytesPerSecond}`);
    this.tokens = burst;
    this.last = clock.now();
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
