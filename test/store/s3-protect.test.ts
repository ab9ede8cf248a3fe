// What the S3 store sends and reads back for bucket protection, against the real Ceph RGW 16: checksums
// (which RGW drops), MD5 ETags of single-part and multipart objects, storage class and Object Lock headers.
import { describe, it, expect } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectRetentionCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Store } from '../../src-main/engine/store/s3-store.ts';
import { bufferBody } from '../../src-main/engine/store/body.ts';
import { StoreError } from '../../src-main/engine/ports/store-errors.ts';
import { quickCheck } from '../../src-main/engine/verify/quick-check.ts';
import { makeTestBucket, s3SkipReason, s3TestConfig } from '../support/s3-env.ts';

const cfg = s3TestConfig();
const creds = () => ({ accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');
// 150 KB threshold and 64 KiB parts: a 300 KB body goes multipart in 5 parts.
const open = (bucket: string) => new S3Store({ bucket, endpoint: cfg!.endpoint, credentials: creds(), multipartThreshold: 150_000, partSize: 64 * 1024 });

describe.skipIf(!cfg)(`S3 store protection headers on a real S3 server${cfg ? '' : ` (skipped: ${s3SkipReason()})`}`, () => {
  it('single-part and multipart ETags are recognised as MD5s, and a HEAD-only check confirms both and catches a replacement', async () => {
    const store = open(await makeTestBucket());
    const small = randomBytes(10_000);
    const large = randomBytes(300_000);
    const a = await store.put('a', bufferBody(small), { checksumSha256: sha(small) });
    const b = await store.put('b', bufferBody(large), { checksumSha256: sha(large) });
    expect(a).toEqual({ etag: createHash('md5').update(small).digest('hex'), md5Etag: true });
    expect(b.md5Etag).toBe(true);
    expect(b.etag).toMatch(/^[0-9a-f]{32}-5$/);
    // Ceph RGW 16 keeps no checksum: HEAD reports none (never a guess).
    expect((await store.head('a'))?.checksumSha256).toBeUndefined();
    const refs = [
      { key: 'a', expected: { size: small.length, sha256: sha(small), etag: a.etag } },
      { key: 'b', expected: { size: large.length, sha256: sha(large), etag: b.etag } },
    ];
    expect(await quickCheck(store, refs)).toEqual({ objects: 2, confirmed: 2, unchecked: 0, missing: [], bad: [] });
    await store.put('b', bufferBody(randomBytes(300_000)));
    const after = await quickCheck(store, refs);
    expect(after.bad).toEqual([{ key: 'b', reason: expect.stringMatching(/^its ETag is .*-5, expected the MD5 .*-5 \(recorded at upload\)$/) }]);
  });

  it('sends the storage class on single-part and multipart puts (RGW has STANDARD only and refuses others)', async () => {
    const bucket = await makeTestBucket();
    const store = open(bucket);
    await store.put('std', bufferBody('x'), { storageClass: 'STANDARD' });
    await store.put('std-mp', bufferBody(randomBytes(300_000)), { storageClass: 'STANDARD' });
    const s3 = new S3Client({ endpoint: cfg!.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds() });
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'std' }))).StorageClass).toBe('STANDARD');
    s3.destroy();
    for (const [key, body] of [['ia', bufferBody('x')], ['ia-mp', bufferBody(randomBytes(300_000))]] as const) {
      const err = await store.put(key, body, { storageClass: 'STANDARD_IA' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect(String(err)).toMatch(/InvalidArgument/);
    }
    await expect(store.put('bad', bufferBody('x'), { storageClass: 'COLD' })).rejects.toThrow(/unknown S3 storage class "COLD"/);
  });

  it('locks single-part and multipart objects (RGW ignores the lock on CreateMultipartUpload: set afterwards)', async () => {
    const s3 = new S3Client({ endpoint: cfg!.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds() });
    const bucket = `coffer-lock-${randomBytes(6).toString('hex')}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    const store = open(bucket);
    const retainUntil = new Date(Math.floor(Date.now() / 1000) * 1000 + 3 * 86_400_000);
    await store.put('single', bufferBody('locked'), { objectLock: { mode: 'COMPLIANCE', retainUntil } });
    await store.put('multi', bufferBody(randomBytes(300_000)), { objectLock: { mode: 'GOVERNANCE', retainUntil } });
    const single = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'single' }));
    const multi = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'multi' }));
    s3.destroy();
    expect(single.Retention).toEqual({ Mode: 'COMPLIANCE', RetainUntilDate: retainUntil });
    expect(multi.Retention).toEqual({ Mode: 'GOVERNANCE', RetainUntilDate: retainUntil });
  });
});
