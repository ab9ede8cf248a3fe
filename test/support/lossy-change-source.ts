import type { ChangeHint, ChangeSource } from '../../src-main/engine/ports/change-source.ts';
import type { RandomSource } from '../../src-main/engine/ports/clock.ts';

export interface LossyOptions {
  /** Decides every drop and duplicate; a seeded source makes a run repeatable. */
  random: RandomSource;
  /** Share of hints dropped, 0..1. */
  dropRate?: number;
  /** Share of hints delivered twice, 0..1 (drawn from what is not dropped). */
  duplicateRate?: number;
  /** Also drop 'overflow' and 'error' hints. Default false: a watcher that loses its own overflow
   *  signal leaves only the periodic rescan, which is a harsher test than most want. */
  dropOverflow?: boolean;
}

/**
 * A misbehaving watcher for tests: wraps a ChangeSource and drops or duplicates hints, the way real
 * watchers do under load. Everything downstream must still end up with the right index.
 */
export class LossyChangeSource implements ChangeSource {
  readonly dropped: ChangeHint[] = [];
  duplicated = 0;
  private readonly dropRate: number;
  private readonly duplicateRate: number;

  constructor(private readonly inner: ChangeSource, private readonly opts: LossyOptions) {
    this.dropRate = opts.dropRate ?? 0;
    this.duplicateRate = opts.duplicateRate ?? 0;
    for (const [name, v] of [['dropRate', this.dropRate], ['duplicateRate', this.duplicateRate]] as const) {
      if (!(v >= 0 && v <= 1)) throw new RangeError(`LossyChangeSource: ${name} must be within 0..1, got ${v}`);
    }
    if (this.dropRate + this.duplicateRate > 1) throw new RangeError('LossyChangeSource: dropRate + duplicateRate must be <= 1');
  }

  start(onHint: (hint: ChangeHint) => void): Promise<void> {
    return this.inner.start((hint) => {
      const r = this.draw();
      const spared = (hint.kind === 'overflow' || hint.kind === 'error') && !this.opts.dropOverflow;
      if (r < this.dropRate && !spared) {
        this.dropped.push(hint);
        return;
      }
      onHint(hint);
      if (r >= this.dropRate && r < this.dropRate + this.duplicateRate) {
        this.duplicated++;
        onHint({ ...hint });
      }
    });
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  /** Uniform in [0, 1) from 4 random bytes. */
  private draw(): number {
    const b = this.opts.random(4);
    return (((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!) / 2 ** 32;
  }
}
