import { describe, expect, it } from 'vitest';
import { BandwidthLimit, BandwidthLimitedStore } from '../../src-main/engine/store/bandwidth-limited-store.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { TokenBucket } from '../../src-main/engine/store/token-bucket.ts';
import type { BlobBody } from '../../src-main/engine/ports/blob-store.ts';
import { Readable } from 'node:stream';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { FakeClock } from '../support/fake-clock.ts';

/** A body that arrives in 16 KiB chunks, as a file stream would. */
function chunkedBody(size: number): BlobBody {
  const data = Buffer.alloc(size, 7);
  return {
    size,
    open: (start = 0) => Readable.from((function* () {
      for (let i = start; i < size; i += 16 * 1024) yield data.subarray(i, Math.min(size, i + 16 * 1024));
    })()),
  };
}

describe('BandwidthLimitedStore', () => {
  it('an upload takes (bytes - burst) / rate of clock time', async () => {
    const clock = new FakeClock();
    const store = new BandwidthLimitedStore(new MemoryStore(), { kibps: 100, clock });
    const t0 = clock.now();
    await store.put('k', chunkedBody(1024 * 1024));
    const elapsed = clock.now() - t0;
    // 1 MiB at 100 KiB/s with a 1 s (100 KiB) burst: about 9.24 s.
    expect(elapsed).toBeGreaterThanOrEqual(((1024 - 100 - 16) / 100) * 1000);
    expect(elapsed).toBeLessThanOrEqual(((1024 - 100 + 16) / 100) * 1000 + 50);
  });

  it('limits downloads with their own bucket, and passes the bytes through unchanged', async () => {
    const clock = new FakeClock();
    const inner = new MemoryStore();
    const data = Buffer.alloc(500 * 1024, 3);
    await inner.put('k', bufferBody(data));
    const store = new BandwidthLimitedStore(inner, { kibps: 50, clock });
    const t0 = clock.now();
    const got = await readAll(await store.get('k'));
    expect(got.equals(data)).toBe(true);
    // One 500 KiB chunk borrows 450 KiB beyond the burst; the next transfer pays it off.
    await readAll(await store.get('k', { range: { start: 0, end: 0 } }));
    expect(clock.now() - t0).toBeGreaterThanOrEqual(9000);
  });

  it('metadata calls are not throttled', async () => {
    const clock = new FakeClock();
    const store = new BandwidthLimitedStore(new MemoryStore(), { kibps: 1, clock });
    await store.head('k');
    await store.delete('k');
    for await (const _ of store.list('')) break;
    expect(clock.sleeps).toEqual([]);
  });

  it('a shared limit changed while stores run: 0 lets bytes through untimed, a new rate applies to the next chunk', async () => {
    const clock = new FakeClock();
    const limit = new BandwidthLimit(0, clock);
    const a = new BandwidthLimitedStore(new MemoryStore(), limit);
    const b = new BandwidthLimitedStore(new MemoryStore(), limit);
    await a.put('k', chunkedBody(1024 * 1024));
    expect(clock.sleeps).toEqual([]);
    limit.set(100);
    let t0 = clock.now();
    await a.put('k', chunkedBody(512 * 1024));
    // 512 KiB at 100 KiB/s with a 100 KiB burst: about 4.12 s, then b shares what a borrowed.
    expect(clock.now() - t0).toBeGreaterThanOrEqual(((512 - 100 - 16) / 100) * 1000);
    limit.set(400);
    t0 = clock.now();
    await b.put('k', chunkedBody(2048 * 1024));
    const at400 = clock.now() - t0;
    expect(at400).toBeGreaterThanOrEqual(((2048 - 400 - 16) / 400) * 1000);
    expect(at400).toBeLessThanOrEqual(((2048 + 16) / 400) * 1000 + 50);
    limit.set(0);
    const before = clock.sleeps.length;
    await readAll(await b.get('k'));
    await b.put('k2', chunkedBody(1024 * 1024));
    expect(clock.sleeps.length).toBe(before);
  });

  it('refuses a negative limit', () => {
    expect(() => new BandwidthLimit(-1)).toThrow(/0 \(none\) or a positive/);
  });

  it('rejects a non-positive limit', () => {
    expect(() => new TokenBucket(0, new FakeClock())).toThrow(/positive/);
  });
});
