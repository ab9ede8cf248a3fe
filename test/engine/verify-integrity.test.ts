// Verify and restore trust only what they authenticate in the bucket (issue 7, items 5, 8 and 10):
// every retained snapshot is checked, the local manifest cache is bypassed, the key slots are opened,
// and a rolled-back, deleted or never-written head is refused instead of looking like an empty vault.
import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import type { Chunk } from '../../src-main/engine/manifest/schema.ts';
import { LocalVault, RemoteVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { MissingHeadError, NoSnapshotError, RollbackError } from '../../src-main/engine/manifest/head-check.ts';
import { HEAD_KEY, objectKey } from '../../src-main/engine/objects/object-keys.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { recordSeenGeneration } from '../../src-main/engine/vault/seen-head.ts';
import { GetLog, readOf, type LoggedGet } from '../support/get-log.ts';
import { sandbox, initVault, type Sandbox, type RemoteKind } from './harness.ts';
import { s3TestConfig } from '../support/s3-env.ts';

const kinds: RemoteKind[] = s3TestConfig() ? ['file', 's3'] : ['file'];

async function sync(vault: LocalVault): Promise<void> {
  const syncer = new VaultSyncer(vault);
  await syncer.sync();
  await syncer.close();
}

/** Flips one bit of a stored object, `back` bytes before the end (default: inside the last frame or the root's body). */
async function flipBit(store: BlobStore, key: string, back = 20): Promise<void> {
  const bytes = await readAll(await store.get(key));
  bytes[bytes.length - back]! ^= 0x01;
  await store.put(key, bufferBody(bytes));
}

async function headRootId(vault: LocalVault): Promise<string> {
  return (await vault.manifest.readHead())!.head.rootId;
}

/**
 * 1.5 MB of one repeated byte: over the pack limit, and one content-defined chunk (a run of equal bytes
 * gives the rolling hash a fixed value, so no cut before the 8 MiB maximum), hence one chunk message.
 */
const oneChunk = (fill: number) => Buffer.alloc(1_500_000, fill);

/** Where `path`'s bytes are in the current snapshot (a file of one chunk): its chunk pack and message. */
async function chunkOf(vault: LocalVault, path: string): Promise<Chunk> {
  const entry = (await vault.tree()).tree.get(path);
  expect(entry?.chunks).toHaveLength(1);
  expect(entry!.chunks![0]!.kind).toBe('chunk');
  return entry!.chunks![0]!;
}

describe.each(kinds)('verify checks every retained snapshot (%s remote)', (kind) => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('a deleted pack or a damaged message only an older snapshot needs is reported, naming file, snapshot and object; each object is read once', async () => {
    sb = await sandbox();
    const log: LoggedGet[] = [];
    sb.env.wrapStore = (inner) => new GetLog(inner, log);
    // Pass 1: big1 and big2 in one chunk pack; pass 2: big3 in a pack of its own; pass 3: all three change.
    await writeFile(join(sb.folder, 'big1.bin'), oneChunk(1));
    await writeFile(join(sb.folder, 'big2.bin'), oneChunk(2));
    await writeFile(join(sb.folder, 'notes.txt'), 'kept in every snapshot');
    await writeFile(join(sb.folder, 'todo.txt'), 'also in every snapshot');
    const { vault } = await initVault(sb, kind);
    await sync(vault);
    const old1 = await chunkOf(vault, 'big1.bin');
    const old2 = await chunkOf(vault, 'big2.bin');
    expect(old2.object).toBe(old1.object);
    await writeFile(join(sb.folder, 'big3.bin'), oneChunk(5));
    await sync(vault);
    const secondRoot = await headRootId(vault);
    const old3 = await chunkOf(vault, 'big3.bin');
    expect(old3.object).not.toBe(old1.object);
    for (const [name, fill] of [['big1.bin', 6], ['big2.bin', 7], ['big3.bin', 8]] as const) await writeFile(join(sb.folder, name), oneChunk(fill));
    await sync(vault);

    const clean = await vault.verify();
    expect(clean.bad).toEqual([]);
    expect(clean.snapshotsChecked).toBe(3);
    expect(clean.filesChecked).toBe(8); // two versions of each big file, one of each small file
    expect(clean.objectsRead).toBe(4); // three chunk packs, and one pack of small files every snapshot shares
    log.length = 0;
    await vault.verify();
    // GETs per key and first byte: each object, and each message of a pack, downloaded once.
    const counts = new Map<string, number>();
    for (const g of log) counts.set(readOf(g), (counts.get(readOf(g)) ?? 0) + 1);
    const perRead = [...counts].filter(([k]) => k.startsWith('objects/'));
    // Six chunk messages (each its own range), the small files' pack, three roots, three segments: none from a cache.
    expect(perRead.length).toBe(6 + 1 + 3 + 3);
    expect(perRead.filter(([, n]) => n !== 1)).toEqual([]);

    await vault.store.delete(objectKey(old3.object));
    // A bit flipped in the pack's last message damages that file only, not the one beside it.
    const [, last] = [{ path: 'big1.bin', chunk: old1 }, { path: 'big2.bin', chunk: old2 }].sort((a, b) => a.chunk.offset - b.chunk.offset);
    const packSize = (await vault.store.head(objectKey(last!.chunk.object)))!.size;
    expect(last!.chunk.offset + last!.chunk.sealed!).toBe(packSize);
    await flipBit(vault.store, objectKey(last!.chunk.object));
    const r = await vault.verify();
    const byPath = new Map(r.bad.map((b) => [b.path, b]));
    expect([...byPath.keys()].sort()).toEqual([last!.path, 'big3.bin'].sort());
    expect(byPath.get('big3.bin')).toMatchObject({ object: old3.object, snapshot: { rootId: secondRoot }, snapshots: 1 });
    expect(byPath.get('big3.bin')!.reason).toMatch(new RegExp(`object ${old3.object} \\(chunk\\) is missing from the bucket; needed by snapshot .* \\(root ${secondRoot}\\)`));
    const damaged = byPath.get(last!.path)!;
    expect(damaged).toMatchObject({ object: last!.chunk.object, snapshot: { rootId: secondRoot }, snapshots: 2 });
    expect(damaged.reason).toMatch(/is damaged: it does not authenticate/);
    expect(damaged.reason).not.toMatch(/Unsupported state/);
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
