import { describe, expect, it } from 'vitest';
import { RetryingStore } from '../../src-main/engine/store/retrying-store.ts';
import { FaultyStore } from '../support/faulty-store.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import type { BlobBody, BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { Readable } from 'node:stream';
import {
  AccessDeniedError, NotFoundError, TransientStoreError,
} from '../../src-main/engine/ports/store-errors.ts';
import { FakeClock, seededRandom } from '../support/fake-clock.ts';

function setup(maxAttempts = 5) {
  const inner = new MemoryStore();
  const faulty = new FaultyStore(inner);
  const clock = new FakeClock();
  const store = new RetryingStore(faulty, { maxAttempts, baseDelayMs: 100, maxDelayMs: 1000, clock, random: seededRandom(3) });
  return { inner, faulty, clock, store };
}

describe('RetryingStore', () => {
  it('retries a transient failure with growing, jittered, capped delays', async () => {
    const { faulty, clock, store } = setup(8);
    faulty.rules.push({ ops: ['head'], times: 6 });
    await store.head('k');
    expect(faulty.calls.head).toBe(7);
    expect(clock.sleeps).toHaveLength(6);
    clock.sleeps.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** i));
    });
    // Full jitter: the delays are not all the same fixed value.
    expect(new Set(clock.sleeps).size).toBeGreaterThan(1);
  });

  it('gives up after maxAttempts and throws the last transient error', async () => {
    const { faulty, store } = setup(3);
    faulty.rules.push({ ops: ['get'] });
    await expect(store.get('k')).rejects.toBeInstanceOf(TransientStoreError);
    expect(faulty.calls.get).toBe(3);
  });

  it('never retries other errors', async () => {
    const { faulty, clock, store } = setup();
    faulty.rules.push({ ops: ['put'], times: 1, error: () => new AccessDeniedError('denied') });
    await expect(store.put('k', bufferBody('x'))).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(store.get('missing')).rejects.toBeInstanceOf(NotFoundError);
    expect(faulty.calls.put).toBe(1);
    expect(faulty.calls.get).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('re-opens the body from the start on every attempt', async () => {
    const { inner, faulty, store } = setup();
    const base = bufferBody('payload');
    let opens = 0;
    const body: BlobBody = { size: base.size, open: (s) => { opens++; return base.open(s); } };
    faulty.rules.push({ ops: ['put'], times: 2, afterWrite: true });
    await store.put('k', body);
    expect(opens).toBe(3);
    expect((await readAll(await inner.get('k'))).toString()).toBe('payload');
  });

  it('list restarts after a failure without yielding any key twice', async () => {
    const { inner, faulty, store } = setup();
    for (let i = 0; i < 20; i++) await inner.put(`p/${i}`, bufferBody('x'));
    // Fail the listing mid-way: the inner iterator throws after yielding some keys.
    let calls = 0;
    const orig = inner.list.bind(inner);
    inner.list = async function* (prefix: string) {
      calls++;
      let n = 0;
      for await (const b of orig(prefix)) {
        if (calls === 1 && ++n > 7) throw new TransientStoreError('reset mid-list');
        yield b;
      }
    };
    const keys = [];
    for await (const b of store.list('p/')) keys.push(b.key);
    expect(keys).toHaveLength(20);
    expect(new Set(keys).size).toBe(20);
    expect(calls).toBe(2);
    expect(faulty.failures).toBe(0);
  });

  it('stops waiting when the caller aborts', async () => {
    const { faulty, store } = setup();
    faulty.rules.push({ ops: ['put'] });
    const ac = new AbortController();
    ac.abort(new Error('user cancelled'));
    await expect(store.put('k', bufferBody('x'), { signal: ac.signal })).rejects.toThrow('user cancelled');
    expect(faulty.calls.put).toBe(1);
  });

  it('resumes a get whose body fails midway with a range, yielding every byte once', async () => {
    const { inner, clock, store } = setup(3);
    const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
    await inner.put('k', bufferBody(data));
    const ranges: (string | undefined)[] = [];
    const orig = inner.get.bind(inner);
    // Each body stops with a reset after 3,000 bytes.
    inner.get = async (key, opts) => {
      ranges.push(opts?.range ? `${opts.range.start}-${opts.range.end}` : undefined);
      const bytes = await readAll(await orig(key, opts));
      return Readable.from((async function* () {
        yield bytes.subarray(0, 3000);
        if (bytes.length > 3000) throw new TransientStoreError('socket reset');
      })());
    };
    const got = await readAll(await store.get('k'));
    expect(got.equals(data)).toBe(true);
    expect(ranges).toEqual([undefined, '3000-9999', '6000-9999', '9000-9999']);
    // Progress between failures starts the count again: 3 failures with maxAttempts 3 still succeed.
    expect(clock.sleeps).toHaveLength(3);
  });

  it('getIfChanged retries the request, and resumes a changed body that fails midway from the version it served', async () => {
    const { inner, faulty, clock, store } = setup(3);
    const old = await inner.put('head', bufferBody('old head'));
    const data = Buffer.from(Array.from({ length: 8_000 }, (_, i) => i % 249));
    const now = await inner.put('head', bufferBody(data));
    faulty.failNext('getIfChanged');
    const origChanged = inner.getIfChanged.bind(inner);
    // The first body stops with a reset after 2,500 bytes.
    inner.getIfChanged = async (key, etag, opts) => {
      const c = await origChanged(key, etag, opts);
      if (!c) return c;
      const bytes = await readAll(c.body);
      return { etag: c.etag, body: Readable.from((async function* () {
        yield bytes.subarray(0, 2500);
        throw new TransientStoreError('socket reset');
      })()) };
    };
    const ranges: { range?: string; ifMatch?: string }[] = [];
    const origGet = inner.get.bind(inner);
    inner.get = async (key, opts) => {
      ranges.push({ range: opts?.range && `${opts.range.start}-${opts.range.end}`, ifMatch: opts?.ifMatch });
      return origGet(key, opts);
    };
    const changed = await store.getIfChanged('head', old.etag);
    expect(changed?.etag).toBe(now.etag);
    expect((await readAll(changed!.body)).equals(data)).toBe(true);
    expect(ranges).toEqual([{ range: '2500-7999', ifMatch: now.etag }]);
    expect(clock.sleeps).toHaveLength(2); // the failed request, then the reset body
    expect(await store.getIfChanged('head', now.etag)).toBeNull();
  });

  it('never joins two versions: a body reset while the key is replaced restarts or fails, never splices', async () => {
    const { inner, store } = setup(5);
    const v1 = Buffer.alloc(10_000, 1);
    const v2 = Buffer.alloc(12_000, 2);
    const orig = inner.get.bind(inner);
    let replaceBeforeNext = false;
    let resetAt = 3000;
    let reset = true;
    // The first body stops with a reset after `resetAt` bytes, and the key is replaced before the next request.
    inner.get = async (key, opts) => {
      if (replaceBeforeNext) {
        replaceBeforeNext = false;
        await inner.put(key, bufferBody(v2));
      }
      const s = await orig(key, opts);
      if (!reset) return s;
      reset = false;
      const bytes = await readAll(s);
      replaceBeforeNext = true;
      const cut = resetAt;
      return Readable.from((async function* () {
        if (cut > 0) yield bytes.subarray(0, cut);
        throw new TransientStoreError('socket reset');
      })());
    };
    // Bytes delivered, then the key changed: a TransientStoreError, and only bytes of the first version.
    await inner.put('k', bufferBody(v1));
    const seen: Buffer[] = [];
    const body = await store.get('k');
    const err = await (async () => {
      for await (const c of body as AsyncIterable<Buffer>) seen.push(c);
    })().then(() => null, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(TransientStoreError);
    expect(err!.message).toMatch(/^k was replaced while being read; read it again$/);
    expect(Buffer.concat(seen).equals(v1.subarray(0, 3000))).toBe(true);

    // Nothing delivered yet: it starts over and yields the whole new version.
    await inner.put('k', bufferBody(v1));
    resetAt = 0;
    reset = true;
    const again = await readAll(await store.get('k'));
    expect(again.equals(v2)).toBe(true);
  });

  it('does not count a slow failing try against the budget: one 400 s PUT that fails is still retried', async () => {
    const clock = new FakeClock();
    let tries = 0;
    const slow = {
      location: 'mem', features: { conditionalWrite: false, multipart: false },
      put: async () => {
        tries++;
        if (tries === 1) {
          clock.advance(400_000); // a 64 MiB PUT at low bandwidth, reset at the end
          throw new TransientStoreError('reset during PutObject');
        }
        return { etag: 'done' };
      },
    } as Partial<BlobStore> as BlobStore;
    const wrapped = new RetryingStore(slow, { clock, random: seededRandom(7) });
    expect(await wrapped.put('k', bufferBody('x'))).toEqual({ etag: 'done' });
    expect(tries).toBe(2);
    expect(clock.sleeps).toHaveLength(1);
  });

  it('still names the whole time spent when it gives up after slow tries', async () => {
    const clock = new FakeClock();
    const slow = {
      location: 'mem', features: { conditionalWrite: false, multipart: false },
      head: async () => {
        clock.advance(100_000);
        throw new TransientStoreError('timed out');
      },
    } as Partial<BlobStore> as BlobStore;
    const wrapped = new RetryingStore(slow, { maxAttempts: 10, budgetMs: 250_000, baseDelayMs: 1000, maxDelayMs: 1000, clock, random: () => new Uint8Array([0, 0, 0, 0]) });
    // Tries of 100 s with no backoff: the fourth starts 300 s in (the third, running, is not counted) and
    // is the last; the message names all 400 s.
    await expect(wrapped.head('k')).rejects.toThrow(/^gave up after 4 attempts over 400 s: timed out$/);
  });

  it('a get body that keeps failing without progress gives up with a clear message', async () => {
    const { inner, store } = setup(3);
    await inner.put('k', bufferBody('abcdef'));
    inner.get = async () => Readable.from((async function* () {
      yield* [];
      throw new TransientStoreError('socket reset');
    })());
    await expect(readAll(await store.get('k'))).rejects.toThrow(/^gave up after 3 attempts over [\d.]+ s: socket reset$/);
  });

  it('counts tries per multipart part: each saved part starts the count again', async () => {
    const clock = new FakeClock();
    let saved = 0;
    const checkpoint = { load: async () => null, clear: async () => undefined, save: async () => { saved++; } };
    // An inner store whose every try stores one more part, then fails: 5 parts, 5 failures, 2 tries each.
    let tries = 0;
    const parts = {
      location: 'mem', features: { conditionalWrite: false, multipart: true },
      put: async (_k, _b, opts) => {
        tries++;
        if (tries <= 5) {
          await opts!.checkpoint!.save({ uploadId: 'u', partSize: 1, parts: Array.from({ length: tries }, (_, i) => ({ partNumber: i + 1, etag: 'e' })) });
          throw new TransientStoreError('reset during UploadPart');
        }
        return { etag: 'done' };
      },
    } as Partial<BlobStore> as BlobStore;
    const wrapped = new RetryingStore(parts, { maxAttempts: 2, baseDelayMs: 100, clock, random: seededRandom(5) });
    expect(await wrapped.put('k', bufferBody('x'), { checkpoint })).toEqual({ etag: 'done' });
    expect(tries).toBe(6);
    expect(saved).toBe(5);
    expect(clock.sleeps).toHaveLength(5);
  });

  it('gives up when the time budget is spent, naming tries and seconds', async () => {
    const inner = new MemoryStore();
    const faulty = new FaultyStore(inner, { rules: [{ ops: ['head'] }] });
    const clock = new FakeClock();
    // Delays of up to 8 s each against a 10 s budget: far fewer tries than the 100 allowed.
    const store = new RetryingStore(faulty, { maxAttempts: 100, budgetMs: 10_000, baseDelayMs: 8000, maxDelayMs: 8000, clock, random: () => new Uint8Array([0xff, 0xff, 0xff, 0xff]) });
    const err = await store.head('k').then(() => null, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(TransientStoreError);
    expect(err!.message).toBe('gave up after 2 attempts over 8 s: injected fault: head k');
    expect(faulty.calls.head).toBe(2);
  });

  it('claims only the features and optional methods its inner store has', () => {
    const { store } = setup();
    expect(store.features).toEqual({ conditionalWrite: true, multipart: false });
    expect(store.pendingUploads).toBeUndefined();
    expect(store.abortUpload).toBeUndefined();
  });
});
