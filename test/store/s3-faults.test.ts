// The S3 store and its retry wrapper over a real S3 server behind the fault proxy: what a reset, a cut
// body or a bodiless 503 becomes, and that a read survives them.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3Store } from '../../src-main/engine/store/s3-store.ts';
import { RetryingStore } from '../../src-main/engine/store/retrying-store.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { TransientStoreError } from '../../src-main/engine/ports/store-errors.ts';
import { makeTestBucket, s3SkipReason, s3TestConfig } from '../support/s3-env.ts';
import { startFaultProxy, type FaultKind, type FaultProxy } from '../support/fault-proxy.ts';
import { FakeClock, seededRandom } from '../support/fake-clock.ts';

const cfg = s3TestConfig();

describe.skipIf(!cfg)(`S3 store under injected network faults${cfg ? '' : ` (skipped: ${s3SkipReason()})`}`, () => {
  let proxy: FaultProxy;
  let raw: S3Store;
  let direct: S3Store;

  async function open(kinds: FaultKind[]) {
    proxy = await startFaultProxy({ target: cfg!.endpoint, random: seededRandom(7), kinds, eligible: (r) => r.op === 'GetObject' || r.op === 'HeadObject' });
    const bucket = await makeTestBucket();
    const credentials = { accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey };
    raw = new S3Store({ bucket, endpoint: proxy.endpoint, credentials });
    direct = new S3Store({ bucket, endpoint: cfg!.endpoint, credentials });
  }
  beforeEach(() => undefined);
  afterEach(async () => proxy?.close());

  it.each<FaultKind>(['reset', 'truncate'])('a %s during GET is a TransientStoreError, never a raw Error', async (kind) => {
    await open([kind]);
    await direct.put('obj', bufferBody(randomBytes(256 * 1024)));
    proxy.setRate(1);
    const err = await readAll(await raw.get('obj')).then(() => null, (e: unknown) => e);
    expect(proxy.injected[kind]).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(TransientStoreError);
    expect((err as Error).message).toMatch(/GetObject obj/);
  });

  it('a GET that fails midway is resumed with a range and returns every byte once', async () => {
    await open(['reset', 'truncate']);
    const data = randomBytes(3 * 1024 * 1024 + 17);
    await direct.put('big', bufferBody(data));
    // Every response to a fresh GET is cut; the resumed (ranged) ones get through.
    proxy.setRate(1);
    const clock = new FakeClock();
    const store = new RetryingStore(raw, { clock, random: seededRandom(1), maxAttempts: 4 });
    const stream = await store.get('big');
    proxy.setRate(0.5);
    const got = await readAll(stream);
    expect(proxy.injected.reset + proxy.injected.truncate).toBeGreaterThan(0);
    expect(got.equals(data)).toBe(true);
    expect(clock.sleeps.length).toBeGreaterThan(0);
  });

  it('a bodiless 503 to HEAD reads like any 503 and is retried', async () => {
    await open(['slowdown503']);
    await direct.put('h', bufferBody('x'));
    proxy.setRate(1);
    const err = await raw.head('h').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TransientStoreError);
    expect((err as Error).message).not.toMatch(/Unknown/);
    expect((err as Error).message).toMatch(/ServiceUnavailable \(HTTP 503\)/);
    const clock = new FakeClock();
    const store = new RetryingStore(raw, { clock, random: seededRandom(2), maxAttempts: 3 });
    const gaveUp = await store.head('h').then(() => null, (e: unknown) => e);
    expect((gaveUp as Error).message).toMatch(/^gave up after 3 attempts over [\d.]+ s: HeadObject h/);
    proxy.setRate(0);
    expect((await store.head('h'))?.size).toBe(1);
  });
});
