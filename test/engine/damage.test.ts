import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, readFile, readdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LocalVault, RemoteVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { RollbackError } from '../../src-main/engine/sync/sync-pass.ts';
import { objectKey } from '../../src-main/engine/objects/object-keys.ts';
import { sandbox, initVault, type Sandbox } from './harness.ts';

/** Every object file in a file:// remote, largest first. */
async function objectFiles(remoteDir: string): Promise<string[]> {
  const out: { path: string; size: number }[] = [];
  const root = join(remoteDir, 'objects');
  for (const d of await readdir(root)) {
    for (const f of await readdir(join(root, d))) {
      const p = join(root, d, f);
      out.push({ path: p, size: (await stat(p)).size });
    }
  }
  return out.sort((a, b) => b.size - a.size).map((o) => o.path);
}

async function vaultWithFiles(sb: Sandbox) {
  await writeFile(join(sb.folder, 'big.bin'), randomBytes(2 * 1024 * 1024));
  await writeFile(join(sb.folder, 'small.txt'), 'small file');
  const v = await initVault(sb, 'file');
  const syncer = new VaultSyncer(v.vault);
  await syncer.sync();
  await syncer.close();
  return { ...v, remoteDir: join(sb.root, 'remote') };
}

describe('damaged data is detected, named, and never restored as good', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('a bit-flipped object fails verify and restore of that file only', async () => {
    sb = await sandbox();
    const { vault, remoteDir } = await vaultWithFiles(sb);
    const [largest] = await objectFiles(remoteDir); // the 2 MiB file's object
    const bytes = await readFile(largest!);
    bytes[bytes.length - 100]! ^= 0x01;
    await writeFile(largest!, bytes);
    // Refused as damage (not as missing, unreadable or a transient failure), in plain words.
    const damaged = /\(chunk\) is damaged: it does not authenticate/;
    const report = await vault.verify();
    expect(report.bad.map((b) => b.path)).toEqual(['big.bin']);
    expect(report.bad[0]!.reason).toMatch(damaged);
    const out = join(sb.root, 'out');
    const restored = await vault.restore(out);
    expect(restored.problems.map((p) => p.path)).toEqual(['big.bin']);
    expect(restored.problems[0]!.reason).toMatch(damaged);
    expect(await readdir(out)).toEqual(['small.txt']); // no partial or temp file left behind
    await vault.close();
  });

  it('a truncated object fails verify, naming the file', async () => {
    sb = await sandbox();
    const { vault, remoteDir } = await vaultWithFiles(sb);
    const [largest] = await objectFiles(remoteDir);
    await truncate(largest!, (await stat(largest!)).size - 5000);
    const report = await vault.verify();
    expect(report.bad).toHaveLength(1);
    expect(report.bad[0]!.path).toBe('big.bin');
    expect(report.bad[0]!.reason).toMatch(/\(chunk\) is damaged: it does not authenticate/);
    await vault.close();
  });

  it('a chunk message moved into another pack is refused by its encryption context', async () => {
    sb = await sandbox();
    const { vault, remoteDir } = await vaultWithFiles(sb);
    await writeFile(join(sb.folder, 'other.bin'), randomBytes(2 * 1024 * 1024));
    const syncer = new VaultSyncer(vault);
    await syncer.sync();
    await syncer.close();
    // A whole, authentic message of other.bin's pack put where big.bin's first chunk was: the range
    // read for big.bin then opens a real message, sealed for another object, and its context refuses it.
    const { tree } = await vault.tree();
    const c = tree.get('big.bin')!.chunks![0]!;
    const d = tree.get('other.bin')!.chunks![0]!;
    expect([c.kind, d.kind]).toEqual(['chunk', 'chunk']);
    expect(c.object).not.toBe(d.object);
    const at = join(remoteDir, objectKey(c.object));
    const pack = await readFile(at);
    const moved = (await readFile(join(remoteDir, objectKey(d.object)))).subarray(d.offset, d.offset + d.sealed!);
    await writeFile(at, Buffer.concat([pack.subarray(0, c.offset), moved, pack.subarray(c.offset + c.sealed!)]));
    const report = await vault.verify();
    expect(report.bad.map((b) => b.path)).toEqual(['big.bin']);
    expect(report.bad[0]!.reason).toMatch(/not the object the manifest names/);
    await vault.close();
  });

  it('a manifest head rolled back to an older one is refused', async () => {
    sb = await sandbox();
    const { vault, remoteDir } = await vaultWithFiles(sb);
    const oldHead = await readFile(join(remoteDir, 'head'));
    await writeFile(join(sb.folder, 'newer.txt'), 'written after the old head');
    const syncer = new VaultSyncer(vault);
    await syncer.sync();
    await writeFile(join(remoteDir, 'head'), oldHead);
    await expect(syncer.sync()).rejects.toBeInstanceOf(RollbackError);
    await syncer.close();
    const history = await vault.queryHistory({ actions: ['error'] });
    expect(history.entries[0]?.reason).toMatch(/rolled back/);
    await vault.close();
  });

  it('a wrong passphrase is a clear error and changes nothing', async () => {
    sb = await sandbox();
    const { vault } = await vaultWithFiles(sb);
    await vault.close();
    const wrong = { ...sb.env, passphrase: async () => 'not the passphrase' };
    await expect(LocalVault.open(wrong, sb.folder)).rejects.toThrow(/wrong passphrase/i);
    const again = await LocalVault.open(sb.env, sb.folder);
    expect((await again.verify()).bad).toEqual([]);
    await again.close();
  });

  it('a remote with no vault, and a damaged local index, give plain messages', async () => {
    sb = await sandbox();
    await expect(RemoteVault.open(sb.env, { remote: `file://${sb.root}`, keyRef: 'passphrase' })).rejects.toThrow(/no Coffer vault/);
    const { vault } = await vaultWithFiles(sb);
    await writeFile(vault.paths.index, '{"version": 1, "broken');
    const syncer = new VaultSyncer(vault);
    await expect(syncer.sync()).rejects.toThrow(/coffer reindex/);
    await syncer.close();
    await vault.close();
  });
});
