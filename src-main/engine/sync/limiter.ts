/**
 * Runs at most `limit` tasks at once and remembers the first failure, so the pass can stop issuing work
 * and report it after the tasks in flight settle.
 */
export class TaskLimiter {
  private running = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(private readonly limit: number) {}

  async run(task: () => Promise<void>): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.running >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    if (this.failure) throw this.wakeNext(this.failure);
    this.running++;
    const p = task()
      .catch((err) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.running--;
        this.inflight.delete(p);
        this.waiters.shift()?.();
      });
    this.inflight.add(p);
  }

  /** Waits until a task could start now (without taking the slot); throws the first failure, if any. */
  async room(): Promise<void> {
    let woken = false;
    while (this.running >= this.limit) {
      await new Promise<void>((r) => this.waiters.push(r));
      woken = true;
    }
    if (this.failure) throw woken ? this.wakeNext(this.failure) : this.failure;
    if (woken) this.wakeNext(null);
  }

  /**
   * A woken waiter that does not take the slot (it only looked, or it fails) passes its wake-up on, or
   * the waiters behind it would wait for a task that never ends. Returns `err`, for `throw`.
   */
  private wakeNext<E>(err: E): E {
    this.waiters.shift()?.();
    return err;
  }

  /** Waits for everything in flight; throws the first failure, if any. */
  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
    if (this.failure) throw this.failure;
  }
}
