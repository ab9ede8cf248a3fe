import { existsSync } from 'node:fs';
import { link, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsStore } from '../../src-main/engine/store/fs-store.ts';
import { fileBody, readAll } from '../../src-main/engine/store/body.ts';
import { PreconditionFailedError, StoreError } from '../../src-main/engine/ports/store-errors.ts';

// A store put of a spool file (fileBody) links it into place instead of copying it.
const dirs: string[] = [];
async function tempDir(parent = tmpdir()): Promise<string> {
  const d = await mkdtemp(join(parent, 'coffer-fs-link-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function spoolFile(dir: string, content: string): Promise<string> {
  const p = join(dir, 'spool');
  await writeFile(p, content);
  return p;
}

describe('FsStore put of a file body', () => {
  it('hard-links a create-only put: same inode, correct bytes, spool still removable, no temp left', async () => {
    const root = await tempDir();
    const spool = await spoolFile(await tempDir(), 'sealed bytes');
    const store = new FsStore(root);
    await store.put('objects/ab/one', fileBody(spool, 12), { ifNoneMatch: '*' });
    const dest = join(root, 'objects/ab/one');
    expect((await stat(dest)).ino).toBe((await stat(spool)).ino);
    await unlink(spool);
    expect(await readFile(dest, 'utf8')).toBe('sealed bytes');
    expect((await stat(dest)).nlink).toBe(1);
    expect(await readdir(join(root, '.coffer-tmp'))).toEqual([]);
  });

  it('keeps create-only semantics: an existing key is not replaced', async () => {
    const root = await tempDir();
    const dir = await tempDir();
    const store = new FsStore(root);
    await store.put('k', fileBody(await spoolFile(dir, 'first'), 5), { ifNoneMatch: '*' });
    const second = join(dir, 'second');
    await writeFile(second, 'other!');
    await expect(store.put('k', fileBody(second, 6), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await readAll(await store.get('k'))).toString()).toBe('first');
    expect((await stat(second)).nlink).toBe(1);
    expect(await readdir(join(root, '.coffer-tmp'))).toEqual([]);
  });

  it('copies, not links, a put that may overwrite (each put must get a new etag)', async () => {
    const root = await tempDir();
    const spool = await spoolFile(await tempDir(), 'abc');
    const store = new FsStore(root);
    const a = await store.put('k', fileBody(spool, 3));
    const b = await store.put('k', fileBody(spool, 3));
    expect(a.etag).not.toBe(b.etag);
    expect((await stat(join(root, 'k'))).ino).not.toBe((await stat(spool)).ino);
  });

  it('refuses a body file whose size is not the declared one, and stores nothing', async () => {
    const root = await tempDir();
    const spool = await spoolFile(await tempDir(), 'short');
    const store = new FsStore(root);
    await expect(store.put('k', fileBody(spool, 99), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(StoreError);
    expect(await store.head('k')).toBeNull();
    expect((await stat(spool)).nlink).toBe(1);
  });

  it('falls back to a copy when link() fails with EXDEV (injected)', async () => {
    const root = await tempDir();
    const spool = await spoolFile(await tempDir(), 'cross device');
    const calls: string[] = [];
    const store = new FsStore(root, {
      link: async (from, to) => {
        calls.push(from);
        if (from === spool) throw Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' });
        await link(from, to);
      },
    });
    await store.put('k', fileBody(spool, 12), { ifNoneMatch: '*' });
    expect(calls).toContain(spool);
    expect((await readAll(await store.get('k'))).toString()).toBe('cross device');
    expect((await stat(join(root, 'k'))).ino).not.toBe((await stat(spool)).ino);
  });

  it.skipIf(!existsSync('/dev/shm'))('falls back to a copy for a spool on another filesystem (/dev/shm)', async () => {
    const root = await tempDir();
    const shm = await tempDir('/dev/shm');
    if ((await stat(shm)).dev === (await stat(root)).dev) return; // same filesystem here: nothing to test
    const spool = await spoolFile(shm, 'from tmpfs');
    const store = new FsStore(root);
    await store.put('objects/cd/two', fileBody(spool, 10), { ifNoneMatch: '*' });
    await unlink(spool);
    expect((await readAll(await store.get('objects/cd/two'))).toString()).toBe('from tmpfs');
    await expect(store.put('objects/cd/two', fileBody(await spoolFile(shm, 'again'), 5), { ifNoneMatch: '*' }))
      .rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('propagates other link failures (a missing body file) instead of storing anything', async () => {
    const root = await tempDir();
    const store = new FsStore(root);
    await expect(store.put('k', fileBody(join(root, 'no-such-spool'), 3), { ifNoneMatch: '*' })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await store.head('k')).toBeNull();
  });
});
