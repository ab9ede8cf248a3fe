import { describe, expect, it } from 'vitest';
import { S3Store } from '../../src-main/engine/store/s3-store.ts';
import { RetryingStore } from '../../src-main/engine/store/retrying-store.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import {
  AccessDeniedError, MissingContainerError, NotFoundError, TransientStoreError, UnsupportedError,
} from '../../src-main/engine/ports/store-errors.ts';
import { makeTestBucket, s3SkipReason, s3TestConfig } from '../support/s3-env.ts';
import { describeBlobStoreConformance } from './conformance.ts';

const cfg = s3TestConfig();
const creds = () => ({ accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey });
const open = (bucket: string, extra: Partial<ConstructorParameters<typeof S3Store>[0]> = {}) =>
  new S3Store({ bucket, endpoint: cfg!.endpoint, credentials: creds(), ...extra });

describe.skipIf(!cfg)(`S3Store on a real S3 server${cfg ? '' : ` (skipped: ${s3SkipReason()})`}`, () => {
  describeBlobStoreConformance('S3Store', async () => ({ store: open(await makeTestBucket()), cleanup: async () => undefined }), { manyKeys: 1010, keepsChecksums: false });

  describeBlobStoreConformance('S3Store with a prefix, small multipart threshold, retry-wrapped', async () => ({
    // 150 KB threshold: the 200 KB object of the suite goes multipart (64 KiB parts); 7-key list pages.
    store: new RetryingStore(open(await makeTestBucket(), {
      prefix: 'vaults/laptop', multipartThreshold: 150_000, partSize: 64 * 1024, listPageSize: 7,
    })),
    cleanup: async () => undefined,
  }), { manyKeys: 20, keepsChecksums: false });

  it('a prefix keeps keys under it and out of sight of callers', async () => {
    const bucket = await makeTestBucket();
    const inner = open(bucket, { prefix: 'p/q' });
    const root = open(bucket);
    await inner.put('k', bufferBody('in prefix'));
    expect((await readAll(await root.get('p/q/k'))).toString()).toBe('in prefix');
    const listed = [];
    for await (const b of inner.list('')) listed.push(b.key);
    expect(listed).toEqual(['k']);
    expect(inner.location).toBe(`s3://${bucket}/p/q/`);
  });

  it('a wrong secret is AccessDeniedError on every call', async () => {
    const bucket = await makeTestBucket();
    const bad = open(bucket, { credentials: { ...creds(), secretAccessKey: 'not-the-secret' } });
    await expect(bad.put('k', bufferBody('x'))).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(bad.get('k')).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(bad.head('k')).rejects.toBeInstanceOf(AccessDeniedError);
    await expect((async () => { for await (const _ of bad.list('')) break; })()).rejects.toBeInstanceOf(AccessDeniedError);
    const unknown = open(bucket, { credentials: { accessKeyId: 'NOSUCHKEY', secretAccessKey: 'x' } });
    await expect(unknown.get('k')).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('a missing bucket is MissingContainerError, for head too (not a null "absent")', async () => {
    const gone = open(`coffer-missing-${Date.now()}`);
    await expect(gone.put('k', bufferBody('x'))).rejects.toBeInstanceOf(MissingContainerError);
    await expect(gone.get('k')).rejects.toBeInstanceOf(MissingContainerError);
    await expect(gone.head('k')).rejects.toBeInstanceOf(MissingContainerError);
    await expect(gone.delete('k')).rejects.toBeInstanceOf(MissingContainerError);
    await expect((async () => { for await (const _ of gone.list('')) break; })()).rejects.toBeInstanceOf(MissingContainerError);
  });

  it('get of a missing key in an existing bucket is NotFoundError with the key in the message', async () => {
    const s = open(await makeTestBucket());
    await expect(s.get('no/such/key')).rejects.toThrow(NotFoundError);
    await expect(s.get('no/such/key')).rejects.toThrow(/no\/such\/key/);
  });

  it('a server that does not answer is a TransientStoreError (safe to retry)', async () => {
    const s = new S3Store({ bucket: 'b-unreachable', endpoint: 'http://127.0.0.1:9', credentials: creds() });
    await expect(s.head('k')).rejects.toBeInstanceOf(TransientStoreError);
  });

  it('getIfChanged is one GET with If-None-Match; the 304 of an unchanged key is null, not an error', async () => {
    const s = open(await makeTestBucket());
    const { etag } = await s.put('head', bufferBody('the head'));
    const sent: { command: string; ifNoneMatch?: string; status?: number }[] = [];
    s.client.middlewareStack.add((next, context) => async (args) => {
      const headers = (args.request as { headers: Record<string, string> }).headers;
      const entry: (typeof sent)[number] = { command: context.commandName ?? '', ifNoneMatch: headers['if-none-match'] };
      sent.push(entry);
      try {
        const res = await next(args);
        entry.status = (res.response as { statusCode?: number }).statusCode;
        return res;
      } catch (err) {
        entry.status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        throw err;
      }
    }, { step: 'finalizeRequest', name: 'captureConditionalGet' });
    expect(await s.getIfChanged('head', etag)).toBeNull();
    expect(sent).toEqual([{ command: 'GetObjectCommand', ifNoneMatch: `"${etag}"`, status: 304 }]);
    await s.put('head', bufferBody('moved'));
    sent.length = 0;
    const changed = await s.getIfChanged('head', etag);
    expect((await readAll(changed!.body)).toString()).toBe('moved');
    expect(sent.map((e) => [e.command, e.status])).toEqual([['GetObjectCommand', 200]]);
  });

  it('refuses plain http to a non-loopback host unless allowHttp is set', () => {
    expect(() => open('bucket', { endpoint: 'http://s3.example.net:7480' })).toThrow(UnsupportedError);
    expect(() => open('bucket', { endpoint: 'http://s3.example.net:7480' })).toThrow(/refusing plain http to s3\.example\.net:7480.*https.*allowHttp/);
    expect(() => open('bucket', { endpoint: 'http://s3.example.net:7480', allowHttp: true })).not.toThrow();
  });
});
