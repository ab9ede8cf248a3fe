import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HintAggregator, type ScanBatch } from '../../src-main/engine/watch/hint-aggregator.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { isWithin } from '../../src-main/engine/scan/rel-path.ts';
import type { ChangeHint } from '../../src-main/engine/ports/change-source.ts';

function setup(opts: ConstructorParameters<typeof HintAggregator>[1] = {}) {
  const clock = new FakeClock(1_000_000);
  const batches: (ScanBatch & { at: number })[] = [];
  const agg = new HintAggregator((b) => void batches.push({ ...b, at: clock.now() }), { clock, ...opts });
  return { clock, batches, agg };
}

const change = (path: string): ChangeHint => ({ kind: 'change', path });
const covers = (b: ScanBatch, p: string) => b.scope === 'all' || b.scope.some((s) => isWithin(s, p));

describe('HintAggregator', () => {
  it('waits for a quiet period, then emits one batch with duplicates coalesced', () => {
    const { clock, batches, agg } = setup({ quietMs: 1000 });
    agg.push(change('a.txt'));
    clock.advance(600);
    agg.push(change('a.txt'));
    agg.push(change('b.txt'));
    clock.advance(999);
    expect(batches).toEqual([]);
    clock.advance(1);
    expect(batches).toEqual([{ scope: ['a.txt', 'b.txt'], reason: 'hints', at: 1_001_600 }]);
  });

  it('never waits longer than the max delay under a steady stream of hints', () => {
    const { clock, batches, agg } = setup({ quietMs: 1000, maxDelayMs: 10_000 });
    for (let i = 0; i < 30; i++) {
      agg.push(change(`f${i}`));
      clock.advance(500);
    }
    expect(batches.length).toBeGreaterThanOrEqual(1);
    expect(batches[0]!.at - 1_000_000).toBe(10_000);
  });

  it('folds paths under a changed folder into the folder', () => {
    const { clock, batches, agg } = setup();
    agg.push(change('docs/a/b.txt'));
    agg.push({ kind: 'addDir', path: 'docs' });
    agg.push(change('docs-other/x'));
    agg.push(change('docs/c.txt'));
    clock.advance(1000);
    expect(batches[0]!.scope).toEqual(['docs', 'docs-other/x']);
  });

  it('widens to all on overflow, on an error hint and past the size cap', () => {
    const a = setup();
    a.agg.push(change('x'));
    a.agg.push({ kind: 'overflow', path: '' });
    a.clock.advance(1000);
    expect(a.batches.map((b) => [b.scope, b.reason])).toEqual([['all', 'overflow']]);
    a.agg.push({ kind: 'error', path: '', detail: 'ENOSPC' });
    a.clock.advance(1000);
    expect(a.batches[1]!.scope).toBe('all');

    const c = setup({ maxPaths: 3 });
    for (const p of ['a', 'b', 'c']) c.agg.push(change(p));
    c.clock.advance(1000);
    expect(c.batches[0]!.scope).toEqual(['a', 'b', 'c']);
    for (const p of ['a', 'b', 'c', 'd']) c.agg.push(change(p));
    c.clock.advance(1000);
    expect(c.batches.map((b) => [b.scope, b.reason])[1]).toEqual(['all', 'cap']);
  });

  it('runs a periodic full rescan, restarted by any full scan', () => {
    const { clock, batches, agg } = setup({ fullRescanMs: 60_000 });
    agg.start();
    clock.advance(59_999);
    expect(batches).toEqual([]);
    clock.advance(1);
    expect(batches.map((b) => [b.scope, b.reason])).toEqual([['all', 'periodic']]);
    clock.advance(30_000);
    agg.requestFullScan();
    clock.advance(59_999);
    expect(batches.map((b) => b.reason)).toEqual(['periodic', 'requested']);
    clock.advance(1);
    expect(batches.map((b) => b.reason)).toEqual(['periodic', 'requested', 'periodic']);
  });

  it('keeps one batch in flight and collects hints meanwhile; a failed batch is retried', async () => {
    const clock = new FakeClock();
    const seen: ScanBatch[] = [];
    let finish!: (ok: boolean) => void;
    const agg = new HintAggregator((b) => {
      seen.push(b);
      return new Promise<void>((res, rej) => (finish = (ok) => (ok ? res() : rej(new Error('scan failed')))));
    }, { clock });
    agg.push(change('one'));
    clock.advance(1000);
    agg.push(change('two'));
    clock.advance(5000);
    expect(seen.map((b) => b.scope)).toEqual([['one']]);
    finish(false);
    await Promise.resolve();
    await Promise.resolve();
    // 'two' was due while busy; the failed 'one' is merged back and goes with it.
    expect(seen.map((b) => [b.scope, b.reason])).toEqual([[['one'], 'hints'], [['one', 'two'], 'retry']]);
    finish(false);
    await Promise.resolve();
    await Promise.resolve();
    // Nothing else was due: the retry waits for the quiet period instead of spinning.
    expect(seen).toHaveLength(2);
    clock.advance(1000);
    expect(seen.map((b) => [b.scope, b.reason])[2]).toEqual([['one', 'two'], 'retry']);
    finish(true);
    await agg.stop();
  });

  it('rejects nonsense options with a clear error', () => {
    expect(() => new HintAggregator(() => undefined, { quietMs: -1 })).toThrow(/quietMs must be a finite number >= 0/);
    expect(() => new HintAggregator(() => undefined, { maxDelayMs: Number.NaN })).toThrow(/maxDelayMs/);
  });

  it('property: every hinted path is covered by a batch emitted at or after the hint', () => {
    const seg = fc.constantFrom('a', 'b', 'c', 'dir', 'é', 'e\u0301');
    const path = fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    const step = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom('add', 'change', 'unlink', 'addDir', 'unlinkDir'), path }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'overflow' as const, path: '' }) },
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 15_000 }).map((ms) => ({ advance: ms })) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), fc.integer({ min: 1, max: 20 }), (steps, maxPaths) => {
        const { clock, batches, agg } = setup({ maxPaths, fullRescanMs: 0 });
        const pushed: { path: string; batchCount: number }[] = [];
        for (const s of steps) {
          if ('advance' in s) clock.advance(s.advance);
          else {
            agg.push(s as ChangeHint);
            if (s.kind !== 'overflow') pushed.push({ path: s.path, batchCount: batches.length });
          }
        }
        clock.advance(10_000); // the max delay: everything pending must be out now
        for (const p of pushed) {
          expect(batches.slice(p.batchCount).some((b) => covers(b, p.path)), p.path).toBe(true);
        }
        expect(clock.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
