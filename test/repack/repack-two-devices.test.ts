import { describe, it, expect, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { Maintenance, maintainedSync } from '../../src-main/engine/vault/maintenance.ts';
import { VaultRegistry } from '../../src-main/engine/vault/registry.ts';
import { vaultPaths } from '../../src-main/engine/vault/state-dir.ts';
import { loadSettings, saveSettings } from '../../src-main/engine/journal/settings-store.ts';
import { ForwardingStore } from '../../src-main/engine/store/forwarding-store.ts';
import type { BlobBody, BlobStore, PutOptions, PutResult } from '../../src-main/engine/ports/blob-store.ts';
import { HEAD_KEY } from '../../src-main/engine/objects/object-keys.ts';
import { initVault, sandbox, snapshot, type Sandbox } from '../engine/harness.ts';
import { headFiles, packOf, writeSmallFiles } from './repack-support.ts';

async function pass(vault: LocalVault, opts: { repack?: boolean; allowMassDelete?: boolean } = {}) {
  const syncer = new VaultSyncer(vault);
  try {
    return await maintainedSync(vault, syncer, new Maintenance(vault, vault.clock, { repackNow: opts.repack === true }), { allowMassDelete: opts.allowMassDelete });
  } finally {
    await syncer.close();
  }
}

/** Runs `before` once, just before the next write of the head goes through: another device wins the race. */
class HeadRace extends ForwardingStore {
  before: (() => Promise<void>) | null = null;
  constructor(inner: BlobStore) {
    super(inner);
  }

  override async put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    const hook = key === HEAD_KEY ? this.before : null;
    if (hook) {
      this.before = null;
      await hook();
    }
    return super.put(key, body, opts);
  }
}

/** A repack root is an ordinary commit to the other devices: a change of chunks only, never of content. */
/** Device B of A's vault in its own home and folder (settings copied, a new device id), restored from the bucket. */
async function secondDevice(va: LocalVault, b: Sandbox): Promise<LocalVault> {
  const settingsA = await loadSettings(va.paths.settings);
  await saveSettings(vaultPaths(b.home, va.vaultId).settings, { ...settingsA, folder: b.folder, deviceId: 'b0b0b0b0b0b0b0b0' });
  await new VaultRegistry(b.home).add(va.vaultId, b.folder);
  const vb = await LocalVault.open(b.env, b.folder);
  await vb.restore(b.folder);
  return vb;
}

describe('another device and a repack', () => {
  const boxes: Sandbox[] = [];
  const vaults: LocalVault[] = [];
  afterEach(async () => {
    for (const v of vaults.splice(0)) await v.close();
    for (const b of boxes.splice(0)) await b.cleanup();
  });

  it("keeps the other device's edit and deletion made meanwhile, and takes the new chunks for the rest", async () => {
    const a = await sandbox();
    const b = await sandbox();
    boxes.push(a, b);
    const names = await writeSmallFiles(a.folder, 20, 5_000);
    const { vault: va } = await initVault(a, 'file');
    vaults.push(va);
    await pass(va);
    const vb = await secondDevice(va, b);
    vaults.push(vb);
    await pass(vb);

    for (const n of names.slice(3)) await rm(join(a.folder, n));
    await pass(va, { allowMassDelete: true });
    await pass(vb, { allowMassDelete: true }); // B pulls the deletions: f00, f01, f02 are left
    const oldPack = packOf(await headFiles(va), names.slice(0, 3));

    // B edits f00 and deletes f01 without syncing; A repacks meanwhile.
    await writeFile(join(b.folder, 'f00.bin'), 'edited on B');
    await rm(join(b.folder, 'f01.bin'));
    const repacked = await pass(va, { repack: true });
    expect(repacked.repacked).toMatchObject({ packs: 1, files: 3 });

    const merged = await pass(vb);
    expect(merged.conflicts).toEqual([]);
    const files = await headFiles(vb);
    expect([...files.keys()].sort()).toEqual(['f00.bin', 'f02.bin']);
    expect(files.get('f00.bin')!.hash).toBe(createHash('sha256').update('edited on B').digest('hex'));
    expect(files.get('f02.bin')!.chunks![0]!.object).not.toBe(oldPack);
    await pass(va);
    expect(await snapshot(a.folder)).toEqual(await snapshot(b.folder));
    expect(await readFile(join(a.folder, 'f00.bin'), 'utf8')).toBe('edited on B');
    expect((await va.verify()).bad).toEqual([]);
  });

  it('loses the race for the head to another device: nothing is committed, the next repack succeeds', async () => {
    const a = await sandbox();
    const b = await sandbox();
    boxes.push(a, b);
    const names = await writeSmallFiles(a.folder, 20, 5_000);
    let race: HeadRace | undefined;
    const { vault: va } = await LocalVault.init(
      { ...a.env, wrapStore: (s) => (race = new HeadRace(s)) }, { folder: a.folder, remote: `file://${join(a.root, 'remote')}`, keyRef: 'passphrase' },
    );
    vaults.push(va);
    await pass(va);
    const vb = await secondDevice(va, b);
    vaults.push(vb);
    await pass(vb);
    for (const n of names.slice(3)) await rm(join(a.folder, n));
    await pass(va, { allowMassDelete: true });
    await pass(vb, { allowMassDelete: true });

    // A's pass has nothing to commit, so the head write the hook sees is the repack's.
    race!.before = async () => {
      await writeFile(join(b.folder, 'from-b.txt'), 'B commits first');
      await pass(vb);
    };
    const lost = await pass(va, { repack: true });
    expect(lost.warnings).toEqual([]);
    expect(lost.repacked).toMatchObject({ packs: 0, rootId: null, skipped: expect.stringMatching(/another device committed while repacking/) });
    const head = (await va.manifest.readHead())!;
    expect((await headFiles(va)).has('from-b.txt')).toBe(true);
    const afterLoss = await va.verify();
    expect(afterLoss.bad).toEqual([]);
    expect(afterLoss.unreferenced.count).toBeGreaterThan(0); // the new pack, its segment and root: the prune's

    const won = await pass(va, { repack: true }); // pulls B's commit, then repacks on top of it
    expect(won.repacked).toMatchObject({ packs: 1, files: 3 });
    expect((await va.manifest.readRoot(won.repacked!.rootId!)).parent).toBe(head.head.rootId);
    expect((await headFiles(va)).has('from-b.txt')).toBe(true);
    expect((await va.verify()).bad).toEqual([]);
  });
});
