import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore, parseStoreUrl } from '../../src-main/engine/store/open-store.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { UnsupportedError } from '../../src-main/engine/ports/store-errors.ts';
import { FakeClock } from '../support/fake-clock.ts';

describe('parseStoreUrl', () => {
  it('parses s3 and file URLs', () => {
    expect(parseStoreUrl('s3://bucket')).toEqual({ kind: 's3', bucket: 'bucket', prefix: '' });
    expect(parseStoreUrl('s3://bucket/')).toEqual({ kind: 's3', bucket: 'bucket', prefix: '' });
    expect(parseStoreUrl('s3://my-bucket/vaults/laptop/')).toEqual({ kind: 's3', bucket: 'my-bucket', prefix: 'vaults/laptop' });
    expect(parseStoreUrl('file:///srv/backup/')).toEqual({ kind: 'file', path: '/srv/backup' });
    expect(parseStoreUrl('file:///a%20b')).toEqual({ kind: 'file', path: '/a b' });
  });

  it('rejects anything else with a clear error', () => {
    for (const bad of ['http://example.com/x', '/abs/path', 'relative', 's3://', 'gs://bucket', 'file://remotehost/x', '']) {
      expect(() => parseStoreUrl(bad), bad).toThrow(UnsupportedError);
    }
    expect(() => parseStoreUrl('ftp://x')).toThrow(/use s3:\/\/bucket\[\/prefix\] or file:\/\/\/absolute\/path/);
  });
});

describe('openStore', () => {
  it('opens a folder destination wrapped for retry, and it works end to end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-open-'));
    const store = openStore(pathToFileURL(dir).href, { bwlimitKiBps: 1024, clock: new FakeClock() });
    expect(store.constructor.name).toBe('RetryingStore');
    expect(store.location).toBe(`file://${dir}`);
    await store.put('a/b', bufferBody('hello'));
    expect((await readAll(await store.get('a/b'))).toString()).toBe('hello');
    await rm(dir, { recursive: true });
  });

  it('opens s3 with a prefix, claiming multipart and conditional writes', () => {
    const store = openStore('s3://bucket/some/prefix', { endpoint: 'http://127.0.0.1:9' });
    expect(store.location).toBe('s3://bucket/some/prefix/');
    expect(store.features).toEqual({ conditionalWrite: true, multipart: true });
    expect(typeof store.pendingUploads).toBe('function');
  });

  it('refuses plain http to a non-loopback host unless allowHttp', () => {
    expect(() => openStore('s3://bucket', { endpoint: 'http://s3.example.com' })).toThrow(/refusing plain http to s3.example.com/);
    expect(() => openStore('s3://bucket', { endpoint: 'http://s3.example.com', allowHttp: true })).not.toThrow();
    expect(() => openStore('s3://bucket', { endpoint: 'http://localhost:7480' })).not.toThrow();
    expect(() => openStore('s3://bucket', { endpoint: 'http://[::1]:7480' })).not.toThrow();
  });

  it('SSE-C needs https off loopback even with allowHttp, and a 32-byte key', () => {
    const key = new Uint8Array(32);
    expect(() => openStore('s3://bucket', { endpoint: 'http://10.0.0.5', allowHttp: true, sse: { mode: 'c', key } })).toThrow(/SSE-C.*https/);
    expect(() => openStore('s3://bucket', { endpoint: 'https://10.0.0.5', sse: { mode: 'c', key } })).not.toThrow();
    expect(() => openStore('s3://bucket', { endpoint: 'https://10.0.0.5', sse: { mode: 'c', key: new Uint8Array(16) } })).toThrow(/32-byte/);
  });

  it('refuses server-side encryption for a folder and a bad bucket name', () => {
    expect(() => openStore('file:///tmp/x', { sse: { mode: 'aes256' } })).toThrow(/S3 only/);
    expect(() => openStore('s3://Bad_Bucket')).toThrow(/invalid S3 bucket name/);
  });
});
