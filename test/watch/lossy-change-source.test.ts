import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { LossyChangeSource } from '../support/lossy-change-source.ts';
import { HintAggregator, type ScanBatch } from '../../src-main/engine/watch/hint-aggregator.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { isWithin } from '../../src-main/engine/scan/rel-path.ts';
import type { ChangeHint, ChangeSource } from '../../src-main/engine/ports/change-source.ts';
import type { RandomSource } from '../../src-main/engine/ports/clock.ts';

/** Deterministic bytes: SHA-256 of seed and counter. */
function seeded(seed: string): RandomSource {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) out.set(createHash('sha256').update(`${seed}:${counter++}`).digest().subarray(0, n - i), i);
    return out;
  };
}

/** A source whose hints the test fires by hand. */
class ManualSource implements ChangeSource {
  private sink: ((h: ChangeHint) => void) | null = null;
  async start(onHint: (h: ChangeHint) => void) {
    this.sink = onHint;
  }
  async stop() {
    this.sink = null;
  }
  fire(h: ChangeHint) {
    this.sink?.(h);
  }
}

async function run(seed: string, hints: ChangeHint[], opts: { dropRate: number; duplicateRate: number }) {
  const inner = new ManualSource();
  const lossy = new LossyChangeSource(inner, { random: seeded(seed), ...opts });
  const got: ChangeHint[] = [];
  await lossy.start((h) => got.push(h));
  for (const h of hints) inner.fire(h);
  return { got, lossy };
}

const hints = Array.from({ length: 200 }, (_, i): ChangeHint => ({ kind: 'change', path: `f${i}` }));

describe('LossyChangeSource', () => {
  it('drops and duplicates deterministically for a given random source', async () => {
    const a = await run('seed-1', hints, { dropRate: 0.2, duplicateRate: 0.1 });
    const b = await run('seed-1', hints, { dropRate: 0.2, duplicateRate: 0.1 });
    expect(a.got).toEqual(b.got);
    expect(a.lossy.dropped.length).toBeGreaterThan(10);
    expect(a.lossy.duplicated).toBeGreaterThan(5);
    expect(a.got.length).toBe(200 - a.lossy.dropped.length + a.lossy.duplicated);
    const c = await run('seed-2', hints, { dropRate: 0.2, duplicateRate: 0.1 });
    expect(c.got).not.toEqual(a.got);
  });

  it('passes overflow through unless told to drop it too', async () => {
    const overflow: ChangeHint[] = Array.from({ length: 50 }, () => ({ kind: 'overflow', path: '' }));
    const r = await run('s', overflow, { dropRate: 1, duplicateRate: 0 });
    expect(r.got).toHaveLength(50);
  });

  it('rejects rates outside 0..1', () => {
    expect(() => new LossyChangeSource(new ManualSource(), { random: seeded('x'), dropRate: 1.5 })).toThrow(/dropRate must be within 0..1/);
  });

  it('with the aggregator, the periodic full rescan covers every path the watcher dropped', async () => {
    const clock = new FakeClock();
    const batches: ScanBatch[] = [];
    const agg = new HintAggregator((b) => void batches.push(b), { clock, fullRescanMs: 60_000 });
    agg.start();
    const inner = new ManualSource();
    const lossy = new LossyChangeSource(inner, { random: seeded('agg'), dropRate: 0.3, duplicateRate: 0.2 });
    await lossy.start((h) => agg.push(h));
    for (const h of hints) {
      inner.fire(h);
      clock.advance(250);
    }
    const beforePeriodic = batches.length;
    const covered = (p: string, bs: ScanBatch[]) => bs.some((b) => b.scope === 'all' || b.scope.some((s) => isWithin(s, p)));
    // Delivered hints were covered by debounced batches; dropped ones were not...
    for (const h of hints) if (!lossy.dropped.includes(h)) expect(covered(h.path, batches)).toBe(true);
    expect(lossy.dropped.some((h) => !covered(h.path, batches))).toBe(true);
    // ...until the periodic rescan.
    clock.advance(60_000);
    expect(batches.slice(beforePeriodic).some((b) => b.scope === 'all' && b.reason === 'periodic')).toBe(true);
    await agg.stop();
  });
});
