import { describe, expect, it } from 'vitest';
import { ReadAhead } from '../../src-main/engine/sync/read-ahead.ts';

/** A load whose promises the test settles by hand, recording what was started. */
function manualLoads() {
  const started: string[] = [];
  const settle = new Map<string, { ok: (v: string) => void; fail: (e: Error) => void }>();
  const load = (key: string) => new Promise<string>((ok, fail) => {
    started.push(key);
    settle.set(key, { ok, fail });
  });
  return { started, settle, load };
}

describe('ReadAhead', () => {
  it('keeps at most `depth` loads ahead and delivers each key its own result, whatever order they finish in', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { started, settle, load } = manualLoads();
    const ahead = new ReadAhead(keys, load, 3);
    const first = ahead.take('a');
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(ahead.pending).toBe(3);
    for (const k of [...started].reverse()) settle.get(k)!.ok(`value of ${k}`);
    expect(await first).toBe('value of a');
    expect(await ahead.take('b')).toBe('value of b');
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ahead.pending).toBe(3);
  });

  it('delivers a failure at its key\'s turn, without an unhandled rejection meanwhile', async () => {
    const { settle, load } = manualLoads();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const ahead = new ReadAhead(['a', 'b', 'c'], load, 2);
      const a = ahead.take('a');
      settle.get('b')!.fail(Object.assign(new Error('gone'), { code: 'ENOENT' }));
      settle.get('a')!.ok('A');
      await new Promise((r) => setTimeout(r, 10));
      expect(await a).toBe('A');
      await expect(ahead.take('b')).rejects.toMatchObject({ code: 'ENOENT' });
      settle.get('c')!.ok('C');
      expect(await ahead.take('c')).toBe('C');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('loads each key once even when taken out of the planned order, and unplanned keys on demand', async () => {
    let loads = 0;
    const counts = new Map<string, number>();
    const ahead = new ReadAhead(['a', 'b', 'c', 'd'], async (k) => {
      loads++;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      return k.toUpperCase();
    }, 1);
    expect(await ahead.take('c')).toBe('C');
    expect(await ahead.take('a')).toBe('A');
    expect(await ahead.take('b')).toBe('B');
    expect(await ahead.take('d')).toBe('D');
    expect(await ahead.take('zz')).toBe('ZZ');
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(loads).toBe(5);
  });

  it('refuses a depth below 1', () => {
    expect(() => new ReadAhead([], async () => 0, 0)).toThrow(RangeError);
  });
});
