import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { S3Store } from '../../src-main/engine/store/s3-store.ts';
import type { S3StoreOptions } from '../../src-main/engine/store/s3-store.ts';
import { choosePartSize } from '../../src-main/engine/store/s3-multipart.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import type { BlobBody, UploadCheckpoint, UploadCheckpointStore } from '../../src-main/engine/ports/blob-store.ts';
import { PreconditionFailedError } from '../../src-main/engine/ports/store-errors.ts';
import { makeTestBucket, s3SkipReason, s3TestConfig } from '../support/s3-env.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const PART = 64 * KiB;
const cfg = s3TestConfig();

/** Stands in for the journal: keeps the checkpoint as JSON, as a restarted process would read it. */
class JsonCheckpoints implements UploadCheckpointStore {
  json: string | null = null;
  saves = 0;
  async load() {
    return this.json ? (JSON.parse(this.json) as UploadCheckpoint) : null;
  }
  async save(cp: UploadCheckpoint) {
    this.saves++;
    this.json = JSON.stringify(cp);
  }
  async clear() {
    this.json = null;
  }
}

/** A store whose UploadPart calls are counted (an SDK middleware on the real client). */
function countingStore(bucket: string, extra: Partial<S3StoreOptions> = {}) {
  const store = new S3Store({
    bucket, endpoint: cfg!.endpoint, credentials: { accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey },
    multipartThreshold: PART, partSize: PART, ...extra,
  });
  const counts = { parts: 0, partNumbers: [] as number[], onPart: (_n: number) => {} };
  store.client.middlewareStack.add((next, context) => async (args) => {
    const res = await next(args);
    if (context.commandName === 'UploadPartCommand') {
      const n = (args.input as { PartNumber: number }).PartNumber;
      counts.parts++;
      counts.partNumbers.push(n);
      counts.onPart(n);
    }
    return res;
  }, { step: 'initialize', name: 'countUploadParts' });
  return { store, counts };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('choosePartSize', () => {
  it('keeps the wanted size while it fits 10,000 parts, else grows in whole MiB', () => {
    expect(choosePartSize(100 * MiB, 16 * MiB)).toBe(16 * MiB);
    expect(choosePartSize(10_000 * 16 * MiB, 16 * MiB)).toBe(16 * MiB);
    const grown = choosePartSize(10_000 * 16 * MiB + 1, 16 * MiB);
    expect(grown % MiB).toBe(0);
    expect(Math.ceil((10_000 * 16 * MiB + 1) / grown)).toBeLessThanOrEqual(10_000);
    expect(Math.ceil((5 * 1024 * 1024 * MiB) / choosePartSize(5 * 1024 * 1024 * MiB, 16 * MiB))).toBeLessThanOrEqual(10_000);
  });
});

describe.skipIf(!cfg)(`S3Store multipart${cfg ? '' : ` (skipped: ${s3SkipReason()})`}`, () => {
  it('uploads a large body in parts and reads back identical bytes, saving after each part', async () => {
    const { store, counts } = countingStore(await makeTestBucket());
    const data = randomBytes(5 * PART + 1234);
    const cps = new JsonCheckpoints();
    const { etag } = await store.put('big', bufferBody(data), { checkpoint: cps });
    expect(counts.parts).toBe(6);
    expect(cps.saves).toBe(7); // once when created, then once per part
    expect(cps.json).toBeNull(); // cleared at completion
    expect(sha(await readAll(await store.get('big')))).toBe(sha(data));
    expect((await store.head('big'))).toMatchObject({ size: data.length, etag });
    expect(await readAll(await store.get('big', { range: { start: PART - 2, end: PART + 1 } }))).toEqual(data.subarray(PART - 2, PART + 2));
  });

  it('resumes after a crash mid-upload from the checkpoint, sending only the missing parts', async () => {
    const bucket = await makeTestBucket();
    const data = randomBytes(8 * PART + 999); // 9 parts
    const cps = new JsonCheckpoints();

    // Process 1 "crashes" after its third part: its signal aborts, nothing completes.
    const first = countingStore(bucket);
    const crash = new AbortController();
    first.counts.onPart = () => {
      if (first.counts.parts === 3) crash.abort(new Error('simulated crash'));
    };
    await expect(first.store.put('obj', bufferBody(data), { checkpoint: cps, signal: crash.signal })).rejects.toThrow();
    const saved = await cps.load();
    expect(saved?.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    expect(await first.store.head('obj')).toBeNull();
    const pending = [];
    for await (const u of first.store.pendingUploads()) pending.push(u);
    expect(pending).toEqual([expect.objectContaining({ key: 'obj', uploadId: saved!.uploadId })]);

    // Process 2: a new store instance, the same body (re-opened from the spool) and checkpoint.
    const second = countingStore(bucket);
    const opened: number[] = [];
    const body: BlobBody = { size: data.length, open: (s = 0) => { opened.push(s); return bufferBody(data).open(s); } };
    await second.store.put('obj', body, { checkpoint: cps });
    expect(second.counts.partNumbers).toEqual([4, 5, 6, 7, 8, 9]);
    expect(Math.min(...opened)).toBe(3 * PART); // never re-read the parts already stored
    expect(sha(await readAll(await second.store.get('obj')))).toBe(sha(data));
    expect(cps.json).toBeNull();
    const after = [];
    for await (const u of second.store.pendingUploads()) after.push(u);
    expect(after).toEqual([]);
  });

  it('re-sends a part the checkpoint lists but the server does not have', async () => {
    const bucket = await makeTestBucket();
    const data = randomBytes(3 * PART + 10);
    const cps = new JsonCheckpoints();
    const a = countingStore(bucket);
    const stop = new AbortController();
    a.counts.onPart = () => { if (a.counts.parts === 2) stop.abort(); };
    await expect(a.store.put('obj', bufferBody(data), { checkpoint: cps, signal: stop.signal })).rejects.toThrow();
    const cp = (await cps.load())!;
    // The local record claims part 3 too, with an etag the server never issued.
    await cps.save({ ...cp, parts: [...cp.parts, { partNumber: 3, etag: '"deadbeef"' }] });
    const b = countingStore(bucket);
    await b.store.put('obj', bufferBody(data), { checkpoint: cps });
    expect(b.counts.partNumbers).toEqual([3, 4]);
    expect(sha(await readAll(await b.store.get('obj')))).toBe(sha(data));
  });

  it('starts over when the saved upload was aborted meanwhile (e.g. by a stale-upload sweep)', async () => {
    const bucket = await makeTestBucket();
    const data = randomBytes(3 * PART);
    const cps = new JsonCheckpoints();
    const a = countingStore(bucket);
    const stop = new AbortController();
    a.counts.onPart = () => { if (a.counts.parts === 1) stop.abort(); };
    await expect(a.store.put('obj', bufferBody(data), { checkpoint: cps, signal: stop.signal })).rejects.toThrow();
    for await (const u of a.store.pendingUploads()) await a.store.abortUpload(u);
    const b = countingStore(bucket);
    await b.store.put('obj', bufferBody(data), { checkpoint: cps });
    expect(b.counts.partNumbers).toEqual([1, 2, 3]);
    expect(sha(await readAll(await b.store.get('obj')))).toBe(sha(data));
  });

  it('abortUpload is idempotent, and pendingUploads sees only its own prefix', async () => {
    const bucket = await makeTestBucket();
    const inPrefix = countingStore(bucket, { prefix: 'mine' });
    const other = countingStore(bucket, { prefix: 'other' });
    for (const s of [inPrefix, other]) {
      const stop = new AbortController();
      s.counts.onPart = () => stop.abort();
      await expect(s.store.put('x', bufferBody(randomBytes(2 * PART + 1)), { checkpoint: new JsonCheckpoints(), signal: stop.signal })).rejects.toThrow();
    }
    const mine = [];
    for await (const u of inPrefix.store.pendingUploads()) mine.push(u);
    expect(mine.map((u) => u.key)).toEqual(['x']);
    await inPrefix.store.abortUpload(mine[0]!);
    await inPrefix.store.abortUpload(mine[0]!);
    const left = [];
    for await (const u of other.store.pendingUploads()) left.push(u.key);
    expect(left).toEqual(['x']);
  });

  it('a failed upload without a checkpoint leaves no pending upload', async () => {
    const { store } = countingStore(await makeTestBucket());
    const broken: BlobBody = { size: 3 * PART, open: (s = 0) => bufferBody(randomBytes(PART)).open(s > 0 ? PART : 0) };
    await expect(store.put('obj', broken)).rejects.toThrow(/body ended/);
    const pending = [];
    for await (const u of store.pendingUploads()) pending.push(u);
    expect(pending).toEqual([]);
  });

  it('conditions hold for multipart puts and a refused put changes nothing', async () => {
    const { store } = countingStore(await makeTestBucket());
    const v1 = randomBytes(2 * PART + 5);
    const put1 = await store.put('obj', bufferBody(v1), { ifNoneMatch: '*' });
    await expect(store.put('obj', bufferBody(randomBytes(2 * PART + 5)), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(store.put('obj', bufferBody(randomBytes(2 * PART + 5)), { ifMatch: 'not-the-etag' })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(sha(await readAll(await store.get('obj')))).toBe(sha(v1));
    const v2 = randomBytes(2 * PART + 7);
    await store.put('obj', bufferBody(v2), { ifMatch: put1.etag });
    expect(sha(await readAll(await store.get('obj')))).toBe(sha(v2));
  });
});
