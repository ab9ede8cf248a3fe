import { mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsStore } from '../../src-main/engine/store/fs-store.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import type { BlobBody } from '../../src-main/engine/ports/blob-store.ts';
import { Readable } from 'node:stream';
import {
  MissingContainerError, PreconditionFailedError, StoreError, UnsupportedError,
} from '../../src-main/engine/ports/store-errors.ts';
import { describeBlobStoreConformance } from './conformance.ts';

const tempRoot = () => mkdtemp(join(tmpdir(), 'coffer-fs-store-'));

describeBlobStoreConformance('FsStore', async () => {
  const root = await tempRoot();
  return { store: new FsStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});
describeBlobStoreConformance('FsStore with a prefix', async () => {
  const root = await tempRoot();
  return { store: new FsStore(root, { prefix: 'sub/dir' }), cleanup: () => rm(root, { recursive: true, force: true }) };
}, { manyKeys: 100 }); // a folder has no pages: the unprefixed run covers 1000+ keys

describe('FsStore', () => {
  it('maps keys to files under the root and leaves no temp or lock files behind', async () => {
    const root = await tempRoot();
    const s = new FsStore(root);
    await s.put('data/ab/obj', bufferBody('x'));
    await s.put('data/ab/obj', bufferBody('y'), { ifNoneMatch: undefined });
    expect((await stat(join(root, 'data/ab/obj'))).size).toBe(1);
    expect(await readdir(join(root, '.coffer-tmp'))).toEqual([]);
    expect(await readdir(join(root, '.coffer-locks'))).toEqual([]);
    await rm(root, { recursive: true });
  });

  it('prunes empty folders on delete and never lists its own temp files', async () => {
    const root = await tempRoot();
    const s = new FsStore(root);
    await s.put('a/b/c', bufferBody('x'));
    await s.delete('a/b/c');
    expect(await readdir(root)).not.toContain('a');
    const listed = [];
    for await (const b of s.list('')) listed.push(b.key);
    expect(listed).toEqual([]);
    await expect(s.put('.coffer-tmp/x', bufferBody('x'))).rejects.toThrow(/reserved/);
    await rm(root, { recursive: true });
  });

  it('a missing destination folder is MissingContainerError, for every call', async () => {
    const s = new FsStore('/nonexistent/coffer-test-dest');
    await expect(s.put('k', bufferBody('x'))).rejects.toBeInstanceOf(MissingContainerError);
    await expect(s.get('k')).rejects.toBeInstanceOf(MissingContainerError);
    await expect(s.head('k')).rejects.toBeInstanceOf(MissingContainerError);
    await expect(s.delete('k')).rejects.toBeInstanceOf(MissingContainerError);
    await expect((async () => { for await (const _ of s.list('')) break; })()).rejects.toBeInstanceOf(MissingContainerError);
  });

  it('refuses a relative root and a key that collides with a folder', async () => {
    expect(() => new FsStore('relative/path')).toThrow(UnsupportedError);
    const root = await tempRoot();
    const s = new FsStore(root);
    await s.put('a', bufferBody('file'));
    await expect(s.put('a/b', bufferBody('x'))).rejects.toBeInstanceOf(UnsupportedError);
    await rm(root, { recursive: true });
  });

  it('a body shorter than its declared size fails and stores nothing', async () => {
    const root = await tempRoot();
    const s = new FsStore(root);
    const short: BlobBody = { size: 10, open: () => Readable.from([Buffer.from('abc')]) };
    await expect(s.put('k', short)).rejects.toThrow(StoreError);
    expect(await s.head('k')).toBeNull();
    await rm(root, { recursive: true });
  });

  it('ifMatch holds against a writer in another store instance (lock files, not memory)', async () => {
    const root = await tempRoot();
    const a = new FsStore(root);
    const b = new FsStore(root);
    const v1 = await a.put('k', bufferBody('v1'));
    await b.put('k', bufferBody('v2-from-b'));
    await expect(a.put('k', bufferBody('v3'), { ifMatch: v1.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await readAll(await a.get('k'))).toString()).toBe('v2-from-b');
    await rm(root, { recursive: true });
  });

  it('breaks a lock left by a crashed writer once it is stale', async () => {
    const root = await tempRoot();
    const s = new FsStore(root);
    await s.put('k', bufferBody('v1'));
    // A lock file from a dead process, with an old mtime.
    const { createHash } = await import('node:crypto');
    const { utimes, mkdir } = await import('node:fs/promises');
    const lock = join(root, '.coffer-locks', createHash('sha256').update('k').digest('hex'));
    await mkdir(join(root, '.coffer-locks'), { recursive: true });
    await writeFile(lock, '99999\n');
    const old = new Date(Date.now() - 120_000);
    await utimes(lock, old, old);
    await s.put('k', bufferBody('v2'));
    expect((await readAll(await s.get('k'))).toString()).toBe('v2');
    await rm(root, { recursive: true });
  });

  it('does not follow a list prefix out of the root', async () => {
    const root = await tempRoot();
    const s = new FsStore(root);
    await symlink('/etc', join(root, 'link')).catch(() => undefined);
    await expect((async () => { for await (const _ of s.list('../')) break; })()).rejects.toThrow(/invalid store key/);
    await rm(root, { recursive: true });
  });
});
