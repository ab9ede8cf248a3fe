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
    if (this.failure) throw this.failure;
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

  /** Waits for everything in flight; throws the first failure, if any. */
  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
    if (this.failure) throw this.failure;
  }
}
