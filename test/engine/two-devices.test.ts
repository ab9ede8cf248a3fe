import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { VaultRegistry } from '../../src-main/engine/vault/registry.ts';
import { vaultPaths } from '../../src-main/engine/vault/state-dir.ts';
import { loadSettings, saveSettings } from '../../src-main/engine/journal/settings-store.ts';
import { sandbox, initVault, type Sandbox } from './harness.ts';

async function syncOnce(vault: LocalVault) {
  const s = new VaultSyncer(vault);
  try {
    return await s.sync();
  } finally {
    await s.close();
  }
}

/**
 * The manifest is built for several writers (entries name their device; the head moves by conditional
 * write). Here a second device is attached by hand, as the coming multi-device work will do: neither
 * device may delete or overwrite what the other wrote and it never had.
 */
describe('two devices writing to one vault', () => {
  const boxes: Sandbox[] = [];
  afterEach(async () => {
    for (const b of boxes.splice(0)) await b.cleanup();
  });

  it("keeps the other device's new files and edits, and records who wrote what", async () => {
    const a = await sandbox();
    const b = await sandbox();
    boxes.push(a, b);
    await writeFile(join(a.folder, 'shared.txt'), 'v1 from A');
    const { vault: va } = await initVault(a, 'file');
    await syncOnce(va);

    // Attach device B: same vault and key, its own device id, folder and state.
    const settingsA = await loadSettings(va.paths.settings);
    const pathsB = vaultPaths(b.home, va.vaultId);
    await saveSettings(pathsB.settings, { ...settingsA, folder: b.folder, deviceId: 'b0b0b0b0b0b0b0b0' });
    await new VaultRegistry(b.home).add(va.vaultId, b.folder);
    const vb = await LocalVault.open(b.env, b.folder);
    await vb.restore(b.folder, { });
    await syncOnce(vb);

    await writeFile(join(a.folder, 'from-a.txt'), 'new on A');
    await writeFile(join(a.folder, 'shared.txt'), 'v2 from A, edited');
    await syncOnce(va);

    await writeFile(join(b.folder, 'from-b.txt'), 'new on B');
    const r = await syncOnce(vb);
    expect(r).toMatchObject({ uploaded: 1, deleted: 0 });

    const { tree } = await vb.tree();
    expect([...tree.keys()].sort()).toEqual(['from-a.txt', 'from-b.txt', 'shared.txt']);
    expect(tree.get('from-b.txt')!.device).toBe('b0b0b0b0b0b0b0b0');
    expect(tree.get('from-a.txt')!.device).toBe(settingsA.deviceId);
    const out = join(b.root, 'out');
    await vb.restore(out);
    expect(await readFile(join(out, 'shared.txt'), 'utf8')).toBe('v2 from A, edited');
    await va.close();
    await vb.close();
  });
});
