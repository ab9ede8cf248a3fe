// A vault synced, changed, restored and verified through the fault proxy in front of the real S3
// server: lost responses to a PUT (within a pass, and a chunk pack the next pass deletes and stores
// again), an unheard pack that cannot be deleted at once, or whose file changed, 20 % random faults (everything completes, byte-identical) and 50 % (a clear give-up, nothing
// half-committed).
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { MaintainedSyncer } from '../support/maintained-syncer.ts';
import { FileJournal } from '../../src-main/engine/journal/file-journal.ts';
import { S3Store } from '../../src-main/engine/store/s3-store.ts';
import { walkRoots } from '../../src-main/engine/manifest/reachable.ts';
import { objectIdFromKey, OBJECTS_PREFIX } from '../../src-main/engine/objects/object-keys.ts';
import { TransientStoreError } from '../../src-main/engine/ports/store-errors.ts';
import type { VaultEnv } from '../../src-main/engine/vault/remote-vault.ts';
import { makeTestBucket, s3SkipReason, s3TestConfig } from '../support/s3-env.ts';
import { startFaultProxy, type FaultKind, type FaultProxy, type ProxiedRequest } from '../support/fault-proxy.ts';
import { seededRandom } from '../support/fake-clock.ts';
import { sandbox, snapshot, type Sandbox } from './harness.ts';

const cfg = s3TestConfig();
const KiB = 1024;
const MiB = 1024 * KiB;
/** A 1.5 MiB file is one PUT; a 3 MiB file is 6 parts. Backoff is short so the faulty runs stay quick. */
const tuning = (maxAttempts: number): VaultEnv['storeTuning'] => ({
  retry: { maxAttempts, baseDelayMs: 10, maxDelayMs: 80 },
  multipart: { threshold: 2 * MiB, partSize: 512 * KiB },
});

describe.skipIf(!cfg)(`sync, restore and verify through an S3 fault proxy${cfg ? '' : ` (skipped: ${s3SkipReason()})`}`, () => {
  let sb: Sandbox;
  let proxy: FaultProxy;
  const open: LocalVault[] = [];
  afterEach(async () => {
    for (const v of open.splice(0)) await v.close();
    await proxy?.close();
    await sb?.cleanup();
  });

  async function setup(seed: number) {
    sb = await sandbox();
    process.env.AWS_ACCESS_KEY_ID = cfg!.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = cfg!.secretAccessKey;
    process.env.AWS_REGION = 'us-east-1';
    proxy = await startFaultProxy({ target: cfg!.endpoint, random: seededRandom(seed), delayMs: 40 });
    const bucket = await makeTestBucket();
    const remote = `s3://${bucket}/vault`;
    const { vault } = await LocalVault.init({ ...sb.env, storeTuning: tuning(6) }, { folder: sb.folder, remote, endpoint: proxy.endpoint, keyRef: 'passphrase' });
    await vault.close();
    // What the bucket really holds, seen past the proxy.
    const direct = new S3Store({ bucket, prefix: 'vault', endpoint: cfg!.endpoint, credentials: { accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey } });
    return { direct };
  }

  async function reopen(maxAttempts: number): Promise<LocalVault> {
    const v = await LocalVault.open({ ...sb.env, storeTuning: tuning(maxAttempts) }, sb.folder);
    open.push(v);
    return v;
  }

  async function syncOnce(vault: LocalVault) {
    const syncer = new MaintainedSyncer(vault);
    try {
      return await syncer.sync();
    } finally {
      await syncer.close();
    }
  }

  /** Restores the head into a fresh folder and compares it with `expected` (a snapshot). */
  async function restoresAs(vault: LocalVault, expected: Record<string, string>, name: string) {
    const out = join(sb.root, name);
    expect((await vault.restore(out)).problems).toEqual([]);
    expect(await snapshot(out)).toEqual(expected);
  }

  /** Every object in the bucket is referenced, so a resolved conflict stored nothing twice. */
  async function noStrayObjects(vault: LocalVault, direct: S3Store) {
    const live = new Set<string>();
    const head = await vault.manifest.readHead();
    for await (const r of walkRoots(vault.manifest, vault.manifest.roots(head!.head.rootId))) {
      if (r.kind === 'entry') for (const c of r.entry.chunks ?? []) live.add(c.object);
      else live.add(r.id);
    }
    const stored = new Set<string>();
    for await (const o of direct.list(OBJECTS_PREFIX)) stored.add(objectIdFromKey(o.key)!);
    expect(stored).toEqual(live);
  }

  it('a lost response to a PUT: the retry adopts the stored object; after a give-up the next pass deletes the unheard pack', async () => {
    const { direct } = await setup(11);
    await writeFile(join(sb.folder, 'one.bin'), randomBytes(1.5 * MiB));
    const swallowed = proxy.swallowNext((r) => r.op === 'PutObject' && r.path.includes('/objects/'));
    // Without retries the pass fails on the lost answer, after the server stored the object.
    await expect(syncOnce(await reopen(1))).rejects.toBeInstanceOf(TransientStoreError);
    expect((await swallowed).op).toBe('PutObject');
    const resumed = await syncOnce(await reopen(6));
    expect(resumed.complete).toBe(true);
    // With retries, a second lost answer in the same pass costs nothing either.
    await writeFile(join(sb.folder, 'two.bin'), randomBytes(1.5 * MiB));
    proxy.swallowNext((r) => r.op === 'PutObject' && r.path.includes('/objects/'));
    const vault = await reopen(6);
    expect((await syncOnce(vault)).complete).toBe(true);
    await restoresAs(vault, await snapshot(sb.folder), 'restored');
    await noStrayObjects(vault, direct);
  }, 60_000);

  /** The object ids holding a file's content in the head. */
  async function objectsOf(vault: LocalVault, path: string): Promise<string[]> {
    return ((await vault.tree()).tree.get(path)?.chunks ?? []).map((c) => c.object);
  }

  /**
   * large.bin's one chunk stored in its chunk pack, but the answer lost and no retry: the pass gives up
   * with the pack's intent journaled and no 'uploaded'. Returns the key of the pack that landed.
   */
  async function unheardChunk(direct: S3Store): Promise<string> {
    // One repeated byte: one content-defined chunk, and one PUT (below the multipart threshold).
    await writeFile(join(sb.folder, 'large.bin'), Buffer.alloc(1.5 * MiB, 3));
    const swallowed = proxy.swallowNext((r) => r.op === 'PutObject' && r.path.includes('/objects/'));
    await expect(syncOnce(await reopen(1))).rejects.toBeInstanceOf(TransientStoreError);
    const landed = await swallowed;
    const key = landed.path.slice(landed.path.indexOf('objects/'));
    expect(await direct.head(key)).not.toBeNull();
    return key;
  }

  it('a chunk pack whose answer was lost is deleted by the next pass and its chunk stored again: nothing stored twice', async () => {
    const { direct } = await setup(12);
    const key = await unheardChunk(direct);
    const vault = await reopen(6);
    expect((await syncOnce(vault)).complete).toBe(true);
    expect(await objectsOf(vault, 'large.bin')).not.toContain(objectIdFromKey(key));
    expect(await direct.head(key)).toBeNull();
    await restoresAs(vault, await snapshot(sb.folder), 'restored');
    await noStrayObjects(vault, direct);
  }, 60_000);

  it('an unheard pack that cannot be deleted keeps its intent past the commit, and a later pass deletes it', async () => {
    const { direct } = await setup(16);
    const key = await unheardChunk(direct);
    const refused = proxy.faultNext('status500', (r) => r.op === 'DeleteObject' && r.path.includes('/objects/'));
    const first = await reopen(1);
    expect((await syncOnce(first)).complete).toBe(true);
    expect((await refused).path).toContain(key);
    expect(await direct.head(key)).not.toBeNull();
    const journal = await FileJournal.open(first.paths.dir);
    try {
      expect((await journal.pending()).filter((r) => r.type === 'intent').map((r) => r.objectId)).toEqual([objectIdFromKey(key)]);
    } finally {
      await journal.close();
    }
    await writeFile(join(sb.folder, 'later.txt'), 'a later change');
    const vault = await reopen(6);
    expect((await syncOnce(vault)).complete).toBe(true);
    expect(await direct.head(key)).toBeNull();
    await restoresAs(vault, await snapshot(sb.folder), 'restored');
    await noStrayObjects(vault, direct);
  }, 60_000);

  it('a file changed after its chunk went unheard: the new content is stored, the old intent dropped', async () => {
    const { direct } = await setup(13);
    const key = await unheardChunk(direct);
    await writeFile(join(sb.folder, 'large.bin'), Buffer.alloc(1.5 * MiB, 4));
    const vault = await reopen(6);
    expect((await syncOnce(vault)).complete).toBe(true);
    expect(await objectsOf(vault, 'large.bin')).not.toContain(objectIdFromKey(key));
    await restoresAs(vault, await snapshot(sb.folder), 'restored');
    const journal = await FileJournal.open(vault.paths.dir);
    try {
      expect((await journal.pending()).filter((r) => r.type === 'intent')).toEqual([]);
    } finally {
      await journal.close();
    }
  }, 60_000);

  it('a reset while reading a key slot, a cut head and a reset on a pack: open, sync and restore go on', async () => {
    await setup(14);
    await writeFile(join(sb.folder, 'a.txt'), 'hello');
    expect((await syncOnce(await reopen(6))).complete).toBe(true);
    for (const v of open.splice(0)) await v.close();
    const hit: string[] = [];
    const plan = (kind: FaultKind, what: string, match: (r: ProxiedRequest) => boolean) => void proxy.faultNext(kind, match).then(() => hit.push(what));
    plan('reset', 'key slot', (r) => r.op === 'GetObject' && r.path.includes('/vault/keys/'));
    plan('truncate', 'head', (r) => r.op === 'GetObject' && r.path.endsWith('/vault/head'));
    plan('reset', 'object', (r) => r.op === 'GetObject' && r.path.includes('/vault/objects/'));
    await writeFile(join(sb.folder, 'b.txt'), 'world');
    const vault = await reopen(6);
    expect((await syncOnce(vault)).complete).toBe(true);
    await restoresAs(vault, await snapshot(sb.folder), 'restored');
    expect(hit.sort()).toEqual(['head', 'key slot', 'object']);
  }, 60_000);

  it('at 20 % faults a cold sync, a change, a restore and a verify all complete, byte-identical', async () => {
    await setup(20);
    for (let i = 0; i < 24; i++) await writeFile(join(sb.folder, `note-${i}.txt`), randomBytes(1 + i * 700));
    await writeFile(join(sb.folder, 'one.bin'), randomBytes(1.5 * MiB));
    await writeFile(join(sb.folder, 'large.bin'), randomBytes(3 * MiB));
    proxy.setRate(0.2);
    const vault = await reopen(6);
    const cold = await syncOnce(vault);
    expect(cold.complete).toBe(true);
    await writeFile(join(sb.folder, 'note-3.txt'), 'changed');
    await writeFile(join(sb.folder, 'added.bin'), randomBytes(1.2 * MiB));
    await rm(join(sb.folder, 'note-5.txt'));
    const change = await syncOnce(vault);
    expect(change.complete).toBe(true);
    expect(change.uploaded).toBe(2);
    expect(change.deleted).toBe(1);
    await restoresAs(vault, await snapshot(sb.folder), 'restored');
    const verified = await vault.verify();
    expect(verified.bad).toEqual([]);
    // Every retained snapshot's file versions: the cold pass's 26, then note-3's new version and added.bin.
    expect(verified.snapshotsChecked).toBe(2);
    expect(verified.filesChecked).toBe(28);
    const kinds = Object.entries(proxy.injected).filter(([, n]) => n > 0).map(([k]) => k);
    expect(kinds.length).toBeGreaterThanOrEqual(5);
  }, 90_000);

  it('at 50 % faults the sync gives up with a clear message and the head is unchanged or a full valid commit', async () => {
    await setup(50);
    for (let i = 0; i < 12; i++) await writeFile(join(sb.folder, `note-${i}.txt`), randomBytes(100 + i));
    const vault = await reopen(3);
    expect((await syncOnce(vault)).complete).toBe(true);
    const before = await snapshot(sb.folder);
    const headBefore = (await vault.manifest.readHead())!.head;
    for (let i = 0; i < 12; i++) await writeFile(join(sb.folder, `more-${i}.txt`), randomBytes(200 + i));
    await writeFile(join(sb.folder, 'large.bin'), randomBytes(3 * MiB));
    const after = await snapshot(sb.folder);
    proxy.setRate(0.5);
    const outcome = await syncOnce(vault).then(() => null, (e: unknown) => e as Error);
    proxy.setRate(0);
    const headAfter = (await vault.manifest.readHead())!.head;
    if (outcome) {
      expect(outcome.message).toMatch(/gave up after \d+ attempts over [\d.]+ s: /);
      expect(outcome.message).not.toMatch(/Unknown|aborted$/);
    }
    if (headAfter.rootId === headBefore.rootId) await restoresAs(vault, before, 'restored');
    else await restoresAs(vault, after, 'restored');
    // A give-up is expected at this rate (the seed makes it so); a full commit would also be correct.
    expect(outcome === null || headAfter.rootId === headBefore.rootId || headAfter.generation === headBefore.generation + 1).toBe(true);
  }, 60_000);
});
