// Verify and restore trust only what they authenticate in the bucket (issue 7, items 5, 8 and 10):
// every retained snapshot is checked, the local manifest cache is bypassed, the key slots are opened,
// and a rolled-back, deleted or never-written head is refused instead of looking like an empty vault.
import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { LocalVault, RemoteVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { MissingHeadError, NoSnapshotError, RollbackError } from '../../src-main/engine/manifest/head-check.ts';
import { HEAD_KEY, objectKey } from '../../src-main/engine/objects/object-keys.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { recordSeenGeneration } from '../../src-main/engine/vault/seen-head.ts';
import { sandbox, initVault, type Sandbox, type RemoteKind } from './harness.ts';
import { s3TestConfig } from '../support/s3-env.ts';

const kinds: RemoteKind[] = s3TestConfig() ? ['file', 's3'] : ['file'];

async function sync(vault: LocalVault): Promise<void> {
  const syncer = new VaultSyncer(vault);
  await syncer.sync();
  await syncer.close();
}

/** Flips one bit of a stored object (near its end: inside the last frame or the root's body). */
async function flipBit(store: BlobStore, key: string): Promise<void> {
  const bytes = await readAll(await store.get(key));
  bytes[bytes.length - 20]! ^= 0x01;
  await store.put(key, bufferBody(bytes));
}

async function headRootId(vault: LocalVault): Promise<string> {
  return (await vault.manifest.readHead())!.head.rootId;
}

/**
 * 1.5 MB of one repeated byte: over the pack limit, and one content-defined chunk (a run of equal bytes
 * gives the rolling hash a fixed value, so no cut before the 8 MiB maximum), hence one data object.
 */
const oneChunk = (fill: number) => Buffer.alloc(1_500_000, fill);

/** The object holding `path`'s bytes in the current snapshot (a file of one chunk). */
async function objectOf(vault: LocalVault, path: string): Promise<string> {
  const entry = (await vault.tree()).tree.get(path);
  expect(entry?.chunks).toHaveLength(1);
  return entry!.chunks![0]!.object;
}

/** Counts GETs per key, to prove that each object is downloaded once. */
function countingGets(counts: Map<string, number>) {
  return (inner: BlobStore): BlobStore => new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'get') {
        return (key: string, opts?: unknown) => {
          counts.set(key, (counts.get(key) ?? 0) + 1);
          return target.get(key, opts as never);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe.each(kinds)('verify checks every retained snapshot (%s remote)', (kind) => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('a deleted or damaged object only an older snapshot needs is reported, naming file, snapshot and object; each object is read once', async () => {
    sb = await sandbox();
    const gets = new Map<string, number>();
    sb.env.wrapStore = countingGets(gets);
    await writeFile(join(sb.folder, 'big1.bin'), oneChunk(1));
    await writeFile(join(sb.folder, 'big2.bin'), oneChunk(2));
    await writeFile(join(sb.folder, 'notes.txt'), 'kept in every snapshot');
    await writeFile(join(sb.folder, 'todo.txt'), 'also in every snapshot');
    const { vault } = await initVault(sb, kind);
    await sync(vault);
    const oldRoot = await headRootId(vault);
    const old1 = await objectOf(vault, 'big1.bin');
    const old2 = await objectOf(vault, 'big2.bin');
    await writeFile(join(sb.folder, 'big1.bin'), oneChunk(3));
    await writeFile(join(sb.folder, 'big2.bin'), oneChunk(4));
    await sync(vault);
    const newRoot = await headRootId(vault);
    expect(newRoot).not.toBe(oldRoot);

    const clean = await vault.verify();
    expect(clean.bad).toEqual([]);
    expect(clean.snapshotsChecked).toBe(2);
    expect(clean.filesChecked).toBe(6); // two versions of each big file, one of each small file
    expect(clean.objectsRead).toBe(5); // four data objects, and one pack both snapshots share
    gets.clear();
    await vault.verify();
    const perObject = [...gets].filter(([k]) => k.startsWith('objects/'));
    expect(perObject.length).toBe(5 + 2 + 2); // the objects, two roots, two segments: none from a cache
    expect(perObject.filter(([, n]) => n !== 1)).toEqual([]);

    await vault.store.delete(objectKey(old1));
    await flipBit(vault.store, objectKey(old2));
    const r = await vault.verify();
    const byPath = new Map(r.bad.map((b) => [b.path, b]));
    expect([...byPath.keys()].sort()).toEqual(['big1.bin', 'big2.bin']);
    expect(byPath.get('big1.bin')).toMatchObject({ object: old1, snapshot: { rootId: oldRoot }, snapshots: 1 });
    expect(byPath.get('big1.bin')!.reason).toMatch(new RegExp(`object ${old1} \\(data\\) is missing from the bucket; needed by snapshot .* \\(root ${oldRoot}\\)`));
    expect(byPath.get('big2.bin')).toMatchObject({ object: old2, snapshot: { rootId: oldRoot } });
    expect(byPath.get('big2.bin')!.reason).toMatch(/is damaged: it does not authenticate/);
    expect(byPath.get('big2.bin')!.reason).not.toMatch(/Unsupported state/);
    await vault.close();
  });

  it('a rolled-back head is refused by verify, restore, restore --at and versions, on the device and on a machine that restored before', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'first');
    const { vault, recoveryKey, remote, endpoint } = await initVault(sb, kind);
    await sync(vault);
    const oldHead = await readAll(await vault.store.get(HEAD_KEY));
    await writeFile(join(sb.folder, 'a.txt'), 'second, after the old head');
    await sync(vault);

    const reader = { ...sb.env, home: join(sb.root, 'reader-home') };
    const seen = await RemoteVault.open(reader, { remote, endpoint, recoveryKey });
    expect((await seen.restore(join(sb.root, 'out-reader'))).restored).toBe(1);
    await seen.close();

    await vault.store.put(HEAD_KEY, bufferBody(oldHead));
    await expect(vault.verify()).rejects.toBeInstanceOf(RollbackError);
    await expect(vault.restore(join(sb.root, 'out'))).rejects.toBeInstanceOf(RollbackError);
    await expect(vault.restore(join(sb.root, 'out-at'), { at: new Date() })).rejects.toBeInstanceOf(RollbackError);
    await expect(vault.versions('a.txt')).rejects.toBeInstanceOf(RollbackError);
    await expect(access(join(sb.root, 'out'))).rejects.toMatchObject({ code: 'ENOENT' }); // nothing was written
    await vault.close();

    const back = await RemoteVault.open(reader, { remote, endpoint, recoveryKey });
    await expect(back.restore(join(sb.root, 'out-reader-2'))).rejects.toThrow(/rolled back/);
    await back.close();
    // A machine with no memory of this vault has nothing to compare with (docs/THREAT-MODEL.md).
    const fresh = await RemoteVault.open({ ...sb.env, home: join(sb.root, 'fresh-home') }, { remote, endpoint, recoveryKey });
    expect((await fresh.restore(join(sb.root, 'out-fresh'))).restored).toBe(1);
    await fresh.close();
  });

  it('sync refuses a head older than one a reader on this machine saw, not only older than its own last sync', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'first');
    const { vault } = await initVault(sb, kind);
    await sync(vault);
    // As a restore here records after another device committed generations 2 to 5 (seen-head.json).
    await recordSeenGeneration(vault.paths, 5);
    await writeFile(join(sb.folder, 'a.txt'), 'second');
    await expect(sync(vault)).rejects.toBeInstanceOf(RollbackError);
    const head = await vault.manifest.readHead();
    expect(head?.head.generation).toBe(1); // nothing was committed over the old head
    await vault.close();
  });

  it('a deleted head is refused on the device and on a new machine; it never looks like an empty vault', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'committed');
    const { vault, recoveryKey, remote, endpoint } = await initVault(sb, kind);
    await sync(vault);
    await vault.store.delete(HEAD_KEY);
    await expect(vault.verify()).rejects.toBeInstanceOf(MissingHeadError);
    await expect(vault.restore(join(sb.root, 'out'))).rejects.toBeInstanceOf(MissingHeadError);
    await vault.close();

    const newMachine = await RemoteVault.open({ ...sb.env, home: join(sb.root, 'new-home') }, { remote, endpoint, recoveryKey });
    const err = await newMachine.restore(join(sb.root, 'out-new')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingHeadError);
    expect((err as Error).message).toMatch(/no manifest head, yet it holds committed snapshots/);
    await expect(newMachine.verify()).rejects.toBeInstanceOf(MissingHeadError);
    await newMachine.close();
  });
});

describe('verify reads from the bucket, opens the key slots, and an empty vault says so', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('one bit flipped in the current segment or root is caught on the device, whose cache holds a good copy', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'a');
    const { vault } = await initVault(sb, 'file');
    await sync(vault);
    const rootId = await headRootId(vault);
    // This device holds a good copy: the process keeps the root and segments it wrote in memory
    // (manifest cache), so tree() below reads none of them from the bucket.
    expect((await vault.tree()).tree.has('a.txt')).toBe(true);
    const root = await vault.manifest.readRoot(rootId);
    const segment = root.segments[0]!.object;
    expect((await vault.verify()).bad).toEqual([]);

    await flipBit(vault.store, objectKey(segment));
    const segReport = await vault.verify();
    expect(segReport.bad).toHaveLength(1);
    expect(segReport.bad[0]).toMatchObject({ path: '', object: segment, snapshot: { rootId } });
    expect(segReport.bad[0]!.reason).toMatch(/manifest segment .* is damaged/);

    await flipBit(vault.store, objectKey(rootId));
    const rootReport = await vault.verify();
    expect(rootReport.bad.map((b) => b.object)).toEqual([rootId]);
    expect(rootReport.bad[0]!.reason).toMatch(/the current snapshot .* is damaged/);
    expect((await vault.tree()).tree.has('a.txt')).toBe(true); // the cache itself is still good
    await vault.close();
  });

  it('damaged or missing key slots are reported; healthy ones authenticate', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'a');
    const { vault } = await initVault(sb, 'file');
    await sync(vault);
    expect((await vault.verify()).keySlots.map((s) => [s.slot, s.state])).toEqual([['recovery', 'ok'], ['passphrase', 'ok']]);

    await flipBit(vault.slots, 'keys/recovery');
    await flipBit(vault.slots, 'keys/passphrase');
    const damaged = await vault.verify();
    expect(damaged.keySlots.map((s) => [s.slot, s.state])).toEqual([['recovery', 'damaged'], ['passphrase', 'damaged']]);
    expect(damaged.keySlots[0]!.detail).toMatch(/keys\/recovery is damaged/);

    await vault.slots.delete('keys/recovery');
    expect((await vault.verify()).keySlots[0]).toMatchObject({ slot: 'recovery', state: 'missing' });
    await vault.close();
  });

  it('a vault with nothing committed refuses restore and verify with "no snapshot yet", here and on a new machine', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'never synced');
    const { vault, recoveryKey, remote } = await initVault(sb, 'file');
    await expect(vault.restore(join(sb.root, 'out'))).rejects.toThrow(NoSnapshotError);
    await expect(vault.verify()).rejects.toThrow(/no snapshot yet/);
    await vault.close();
    const newMachine = await RemoteVault.open({ ...sb.env, home: join(sb.root, 'new-home') }, { remote, recoveryKey });
    await expect(newMachine.restore(join(sb.root, 'out-new'))).rejects.toThrow(/no snapshot yet: nothing was ever committed/);
    await newMachine.close();
  });
});
