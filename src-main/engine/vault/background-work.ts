/**
 * Work a host starts without waiting for it (an event listener refreshing the status, which reads the
 * bucket and may write the key audit log and the manifest cache). Each is tracked, so that close() can
 * wait for all of them: a host that returned from close() must have no write left in flight in its state
 * folder, or removing that folder fails (ENOTEMPTY) and a write lands after the caller thought it done.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;
  /** True once close() began waiting: no new work starts, the running work is awaited. */
  settling = false;

  /** Work in flight now. */
  get size(): number {
    return this.running.size;
  }

  /**
   * Starts `work` unless closed. Its failure is dropped here: background work only refreshes views, and
   * its caller already moved on; the thing it reports on records its own errors.
   */
  run(work: () => Promise<unknown>): void {
    if (this.closed) return;
    const p = work().catch(() => undefined);
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  /** Refuses new work and waits for every piece still running, including any started by those pieces. */
  async close(): Promise<void> {
    this.closed = true;
    this.settling = true;
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
