/**
 * Starts loads for keys ahead of the one being consumed, at most `depth` in flight, so the I/O of many
 * small files overlaps (each read is several thread-pool round trips) while the caller still consumes
 * results strictly in its own order: packs stay deterministic and per-file errors surface at the same
 * place as before, when that file's turn comes.
 */
export class ReadAhead<T> {
  private next = 0;
  private readonly inflight = new Map<string, Promise<T>>();
  private readonly consumed = new Set<string>();

  constructor(
    /** The order the caller will take() keys in; keys not listed are loaded on demand. */
    private readonly order: readonly string[],
    private readonly load: (key: string) => Promise<T>,
    private readonly depth: number,
  ) {
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`read-ahead depth must be a positive integer, got ${depth}`);
  }

  /** The load for `key` (started earlier or now), and tops the window up with the keys after it. */
  take(key: string): Promise<T> {
    const p = this.inflight.get(key) ?? this.load(key);
    this.inflight.delete(key);
    this.consumed.add(key);
    this.fill();
    return p;
  }

  /** Loads started but never taken (a pass that stopped early) have nothing to report to. */
  get pending(): number {
    return this.inflight.size;
  }

  private fill(): void {
    while (this.inflight.size < this.depth && this.next < this.order.length) {
      const key = this.order[this.next++]!;
      if (this.consumed.has(key) || this.inflight.has(key)) continue;
      const p = this.load(key);
      // Settled before its turn: the rejection is delivered by take(), not reported as unhandled.
      p.catch(() => undefined);
      this.inflight.set(key, p);
    }
  }
}
