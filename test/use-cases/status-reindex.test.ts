// The status and reindex use cases (engine/use-cases/), which the CLI and the app's service both call,
// on a real vault in a folder remote.
import { loadIndex } from '../../src-main/engine/sync/local-index.ts';
import { describe, it, expect, afterEach } from 'vitest';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  openVault, reindexVault, storedState, syncOnce, vaultStatus, type OpenVault, type VaultEnv,
} from '../../src-main/engine/api.ts';
import { HEAD_KEY } from '../../src-main/engine/objects/object-keys.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import { sandbox, initVault, type Sandbox } from '../engine/harness.ts';

/** A store whose head reads fail while `failing` is set: a bucket that cannot be reached for a while. */
function headFailing(flag: { failing: boolean }) {
  return (inner: BlobStore): BlobStore => {
    const wrapped = Object.create(inner) as BlobStore;
    wrapped.get = (key, opts) => (flag.failing && key === HEAD_KEY ? Promise.reject(new Error('the bucket is unreachable')) : inner.get(key, opts));
    return wrapped;
  };
}

describe('status', () => {
  let sb: Sandbox;
  const open: OpenVault[] = [];
  afterEach(async () => {
    for (const v of open.splice(0)) await v.close();
    await sb?.cleanup();
  });

  it('reports the newest snapshot, the key and whether the bucket moved on since this machine synced', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const { vault } = await initVault(sb, 'file');
    open.push(vault);
    expect(await vaultStatus(vault)).toMatchObject({ files: 0, bytes: 0, generation: 0, lastSync: null, behindRemote: false });

    await syncOnce(vault);
    const afterFirst = join(sb.root, 'index-after-first.json');
    await copyFile(vault.paths.index, afterFirst);
    await writeFile(join(sb.folder, 'b.txt'), 'bravo!');
    await syncOnce(vault);

    const now = await vaultStatus(vault);
    expect(now).toMatchObject({
      vaultId: vault.vaultId, folder: sb.folder, files: 2, bytes: 11, generation: 2, behindRemote: false,
      key: 'passphrase', keyState: 'enabled', keyVersion: 1, notStored: [],
    });
    expect(Date.parse(now.lastSync!)).not.toBeNaN();

    // This machine's index as it was after the first pass: the head is one commit ahead of it.
    await copyFile(afterFirst, vault.paths.index);
    expect((await vaultStatus(vault)).behindRemote).toBe(true);
  });

  it("the app's status comes back while the bucket cannot be read; `coffer status` fails with the store's error", async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const { vault: first } = await initVault(sb, 'file');
    await syncOnce(first);
    await first.close();
    const flag = { failing: false };
    const env: VaultEnv = { ...sb.env, wrapStore: headFailing(flag) };
    const vault = await openVault(env, sb.folder);
    open.push(vault);
    const service = new EngineVaultService(vault);
    expect(await service.status()).toMatchObject({ files: 1, bytes: 5, folder: sb.folder, vaultId: vault.vaultId });

    flag.failing = true;
    await expect(vaultStatus(vault)).rejects.toThrow('the bucket is unreachable');
    // What the vault holds is the last count read (known-totals.ts), said to be so, never "0 files".
    expect(await storedState(vault, { lenient: true })).toMatchObject({ files: 1, bytes: 5, generation: 0, totalsFromCache: true });
    expect(await service.status()).toMatchObject({ state: 'up-to-date', files: 1, bytes: 5, folder: sb.folder, vaultId: vault.vaultId });
    await service.close();
  });
});

describe('reindex', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('rebuilds a damaged local index from the bucket; the next pass stores nothing again', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    await writeFile(join(sb.folder, 'b.txt'), 'bravo');
    const { vault } = await initVault(sb, 'file');
    try {
      await syncOnce(vault);
      await writeFile(join(sb.folder, 'b.txt'), 'bravo, edited');
      await syncOnce(vault);
      const before = await loadIndex(vault.paths.index);

      await writeFile(vault.paths.index, '{"version":1, cut off');
      await expect(vaultStatus(vault)).rejects.toThrow(/local index .* is damaged.*coffer reindex/);

      const { index, remote } = await reindexVault(vault);
      expect(remote).toBe(vault.settings!.remote);
      expect(index).toMatchObject({ rootId: before.rootId, etag: before.etag, generation: 2, deviceSeq: before.deviceSeq, inodes: {} });
      expect(before.deviceSeq).toBeGreaterThan(0);
      expect(await loadIndex(vault.paths.index)).toEqual(index);
      expect(await vaultStatus(vault)).toMatchObject({ files: 2, generation: 2, behindRemote: false });

      const next = await syncOnce(vault);
      expect(next).toMatchObject({ uploaded: 0, deleted: 0, errors: 0, complete: true });
    } finally {
      await vault.close();
    }
  });

  it('on a vault with nothing committed yet, leaves an empty index', async () => {
    sb = await sandbox();
    const { vault } = await initVault(sb, 'file');
    try {
      const { index } = await reindexVault(vault);
      expect(index).toMatchObject({ rootId: null, etag: null, generation: 0, deviceSeq: 0 });
    } finally {
      await vault.close();
    }
  });
});
