import { describe, expect, it } from 'vitest';
import { HintAggregator, type ScanBatch } from '../../src-main/engine/watch/hint-aggregator.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { isWithin } from '../../src-main/engine/scan/rel-path.ts';

/**
 * The latency the aggregator adds between a save and its commit (issue 10, item 4), on the fake clock:
 * each pass takes `passMs` of fake time, and a save counts as committed when a pass that started after
 * it and covers its path ends.
 */
interface Pass { scope: ScanBatch['scope']; start: number; end: number }

function rig(passMs: number, opts: ConstructorParameters<typeof HintAggregator>[1] = {}) {
  const clock = new FakeClock(0);
  const passes: Pass[] = [];
  const agg = new HintAggregator((b) => {
    const pass: Pass = { scope: b.scope, start: clock.now(), end: Number.NaN };
    passes.push(pass);
    return new Promise<void>((resolve) => clock.schedule(passMs, () => {
      pass.end = clock.now();
      resolve();
    }));
  }, { clock, fullRescanMs: 0, ...opts });
  /** Moves fake time in 1 ms steps, letting each settled pass hand over to the next one. */
  const advance = async (ms: number) => {
    for (let i = 0; i < ms; i++) {
      clock.advance(1);
      for (let t = 0; t < 4; t++) await Promise.resolve();
    }
  };
  const committedAt = (path: string, savedAt: number): number => {
    const p = passes.find((x) => x.start >= savedAt && (x.scope === 'all' || x.scope.some((s) => isWithin(s, path))));
    return p?.end ?? Number.POSITIVE_INFINITY;
  };
  return { clock, agg, passes, advance, committedAt };
}

const save = (path: string) => ({ kind: 'change' as const, path });

describe('watch latency (issue 10): a short quiet window with a hard cap', () => {
  it('a file saved each second is committed within the cap plus one pass, every time', async () => {
    const passMs = 400;
    const { agg, advance, committedAt, clock, passes } = rig(passMs);
    const saves: number[] = [];
    for (let i = 0; i < 30; i++) {
      saves.push(clock.now());
      agg.push(save('notes/today.md'));
      await advance(1000);
    }
    await advance(2000);
    const latencies = saves.map((t) => committedAt('notes/today.md', t) - t);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(1000 + passMs);
    // The quiet window, not the cap, is what a lone save waits for: one pass per save.
    expect(latencies.every((l) => l === 250 + passMs)).toBe(true);
    expect(passes).toHaveLength(30);
    await agg.stop();
  });

  it('a burst of 1,000 hints in 200 ms is one pass', async () => {
    const { agg, advance, passes, clock } = rig(300);
    for (let i = 0; i < 1000; i++) {
      agg.push(save(`checkout/f${i}.ts`));
      clock.advance(0.2);
    }
    await advance(3000);
    expect(passes).toHaveLength(1);
    expect(passes[0]!.scope).toHaveLength(1000);
    expect(passes[0]!.start).toBeCloseTo(200 + 250 - 0.2, 6);
    await agg.stop();
  });

  it('a file saved every 100 ms for 10 s still gets a pass at least every cap', async () => {
    const passMs = 300;
    const { agg, advance, passes, committedAt, clock } = rig(passMs);
    const saves: number[] = [];
    for (let i = 0; i < 100; i++) {
      saves.push(clock.now());
      agg.push(save('build/out.log'));
      await advance(100);
    }
    await advance(2000);
    const starts = passes.map((p) => p.start);
    expect(starts[0]).toBe(1000);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeLessThanOrEqual(1000);
    // Coalesced: about one pass per second of saving, not one per save.
    expect(passes.length).toBeGreaterThanOrEqual(10);
    expect(passes.length).toBeLessThanOrEqual(12);
    for (const t of saves) expect(committedAt('build/out.log', t) - t).toBeLessThanOrEqual(1000 + passMs);
    await agg.stop();
  });

  it('a save during a long pass starts the next pass the moment that pass ends', async () => {
    const { agg, advance, passes } = rig(1500);
    agg.push(save('a.txt'));
    await advance(500); // the pass for a.txt runs from 250 to 1750
    agg.push(save('b.txt'));
    await advance(3000); // both passes end (stop() waits for the one in flight)
    expect(passes.map((p) => [p.scope, p.start])).toEqual([[['a.txt'], 250], [['b.txt'], 1750]]);
    await agg.stop();
  });

  it('a failed pass is retried after retryMs, not after the short quiet window', async () => {
    const clock = new FakeClock(0);
    const starts: number[] = [];
    let fail = true;
    const agg = new HintAggregator(() => {
      starts.push(clock.now());
      return fail ? Promise.reject(new Error('store down')) : Promise.resolve();
    }, { clock, fullRescanMs: 0, retryMs: 1000 });
    agg.push(save('a.txt'));
    clock.advance(250);
    for (let t = 0; t < 4; t++) await Promise.resolve();
    expect(starts).toEqual([250]);
    fail = false;
    clock.advance(999);
    expect(starts).toEqual([250]);
    clock.advance(1);
    expect(starts).toEqual([250, 1250]);
    await agg.stop();
  });
});
