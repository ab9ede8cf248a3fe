import { describe, expect, it } from 'vitest';
import { FaultyStore } from '../support/faulty-store.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { AccessDeniedError, TransientStoreError } from '../../src-main/engine/ports/store-errors.ts';
import { FakeClock, seededRandom } from '../support/fake-clock.ts';

describe('FaultyStore', () => {
  it('fails exactly the nth matching call, and only that one', async () => {
    const store = new FaultyStore(new MemoryStore(), { rules: [{ ops: ['head'], nth: 3 }] });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => store.head('k')));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(TransientStoreError);
  });

  it('fails a fraction of calls, repeatably under the same seed', async () => {
    const pattern = async (seed: number) => {
      const store = new FaultyStore(new MemoryStore(), { rules: [{ fraction: 0.25 }], random: seededRandom(seed) });
      const r = await Promise.allSettled(Array.from({ length: 400 }, () => store.head('k')));
      return r.map((x) => (x.status === 'rejected' ? 1 : 0)).join('');
    };
    const a = await pattern(11);
    expect(await pattern(11)).toBe(a);
    expect(await pattern(12)).not.toBe(a);
    const rate = [...a].filter((c) => c === '1').length / a.length;
    expect(rate).toBeGreaterThan(0.15);
    expect(rate).toBeLessThan(0.35);
  });

  it('throws the chosen error, filtered by key prefix, a limited number of times', async () => {
    const store = new FaultyStore(new MemoryStore());
    store.rules.push({ keyPrefix: 'data/', times: 2, error: (op, key) => new AccessDeniedError(`${op} ${key} denied`) });
    await expect(store.put('data/a', bufferBody('x'))).rejects.toThrow('put data/a denied');
    await expect(store.put('index/a', bufferBody('x'))).resolves.toBeDefined();
    await expect(store.get('data/b')).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(store.put('data/a', bufferBody('x'))).resolves.toBeDefined();
    expect(store.failures).toBe(2);
  });

  it('afterWrite lets the put land and still fails it (a lost response)', async () => {
    const inner = new MemoryStore();
    const store = new FaultyStore(inner);
    store.rules.push({ ops: ['put'], nth: 1, afterWrite: true });
    await expect(store.put('k', bufferBody('landed'))).rejects.toBeInstanceOf(TransientStoreError);
    expect((await readAll(await inner.get('k'))).toString()).toBe('landed');
  });

  it('failNext fails one call of that operation', async () => {
    const store = new FaultyStore(new MemoryStore());
    store.failNext('delete');
    await expect(store.delete('k')).rejects.toBeInstanceOf(TransientStoreError);
    await expect(store.delete('k')).resolves.toBeUndefined();
  });

  it('truncates or flips one bit of get results', async () => {
    const inner = new MemoryStore();
    const data = Buffer.alloc(1000, 0);
    await inner.put('k', bufferBody(data));
    const cut = new FaultyStore(inner, { corruptGet: { mode: 'truncate', truncateTo: 10 } });
    expect((await readAll(await cut.get('k'))).length).toBe(10);
    const flip = new FaultyStore(inner, { corruptGet: { mode: 'bitflip' }, random: seededRandom(5) });
    const got = await readAll(await flip.get('k'));
    const bits = [...got].reduce((n, b) => n + b.toString(2).replace(/0/g, '').length, 0);
    expect(got.length).toBe(1000);
    expect(bits).toBe(1);
  });

  it('adds latency through the injected clock', async () => {
    const clock = new FakeClock();
    const store = new FaultyStore(new MemoryStore(), { latencyMs: 250, clock });
    await store.head('k');
    await store.put('k', bufferBody('x'));
    expect(clock.sleeps).toEqual([250, 250]);
  });

  it('fails listing and pending-upload listing when asked', async () => {
    const inner = new MemoryStore();
    const store = new FaultyStore(inner, { rules: [{ ops: ['list'], nth: 1 }] });
    await expect((async () => { for await (const _ of store.list('')) break; })()).rejects.toBeInstanceOf(TransientStoreError);
    expect(store.pendingUploads).toBeUndefined();
  });
});
