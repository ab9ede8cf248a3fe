import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { Maintenance, maintainedSync } from '../../src-main/engine/vault/maintenance.ts';
import { loadIndex } from '../../src-main/engine/sync/local-index.ts';
import type { SyncProgress } from '../../src-main/engine/ports/vault-service.ts';
import type { Clock } from '../../src-main/engine/ports/clock.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { sandbox, snapshot, type Sandbox } from '../engine/harness.ts';

const DAY = 86_400_000;

let sb: Sandbox | undefined;
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  await sb?.cleanup();
  sb = undefined;
});

async function fileVault(s: Sandbox, clock?: Clock): Promise<LocalVault> {
  const { vault } = await LocalVault.init({ ...s.env, ...(clock ? { clock } : {}) }, { folder: s.folder, remote: `file://${join(s.root, 'remote')}`, keyRef: 'passphrase' });
  open.push(vault);
  return vault;
}

function syncerOf(vault: LocalVault, opts: ConstructorParameters<typeof VaultSyncer>[1] = {}): VaultSyncer {
  const syncer = new VaultSyncer(vault, opts);
  open.unshift(syncer); // closed before its vault
  return syncer;
}

describe('a sync pass', () => {
  it('reports progress up to its total on a first sync of files in folders', async () => {
    sb = await sandbox();
    for (const d of ['a', 'a/b', 'c']) await mkdir(join(sb.folder, d));
    const files = { 'top.txt': 'top', 'a/one.txt': 'one', 'a/b/two.txt': 'two two', 'c/three.txt': 'three' };
    for (const [p, text] of Object.entries(files)) await writeFile(join(sb.folder, p), text);
    const reports: SyncProgress[] = [];
    const r = await syncerOf(await fileVault(sb), { onProgress: (p) => reports.push(p) }).sync();
    expect(r.uploaded).toBe(4);
    const last = reports.at(-1)!;
    // Three folders and four files: seven entries, the bytes of the files alone.
    expect(last).toMatchObject({ filesDone: 7, filesTotal: 7, bytesTotal: 3 + 3 + 7 + 5, bytesDone: 3 + 3 + 7 + 5 });
    expect(reports.map((p) => p.filesDone)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('packs small files into packs of the tuning\'s packTargetBytes', async () => {
    sb = await sandbox();
    const vault = await fileVault(sb);
    for (let i = 0; i < 10; i++) await writeFile(join(sb.folder, `f${i}.bin`), Buffer.alloc(20 * 1024, i));
    await syncerOf(vault, { tuning: { packTargetBytes: 64 * 1024 } }).sync();
    const { tree } = await vault.tree();
    const packs = new Set([...tree.values()].flatMap((e) => e.chunks ?? []).map((c) => c.object));
    // 200 KiB in 20 KiB files, a pack sealed once it reaches 64 KiB: 4 files each, then the last 2.
    expect(packs.size).toBe(3);
    const out = join(sb.root, 'out');
    await vault.restore(out);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
  });

  it('warns once, when first stored, about names a restore on Windows cannot create', async () => {
    sb = await sandbox();
    await mkdir(join(sb.folder, 'CON'));
    const odd = ['aux.c', 'LPT1.txt', 'ends with dot.', 'ends with space ', 'what?', 'tab\tname', 'CON/inside.txt'];
    for (const p of [...odd, 'fine.txt']) await writeFile(join(sb.folder, p), p);
    const vault = await fileVault(sb);
    const syncer = syncerOf(vault);
    const first = await syncer.sync();
    expect(first.uploaded).toBe(odd.length + 1);
    const named = (w: string[]) => w.map((x) => JSON.parse(/^(".*?") will not restore on Windows/.exec(x)?.[1] ?? 'null') as string | null);
    // The folder CON is warned about; the file inside it has a portable name of its own.
    expect(named(first.warnings).sort()).toEqual(['CON', 'LPT1.txt', 'aux.c', 'ends with dot.', 'ends with space ', 'tab\tname', 'what?'].sort());
    expect(first.warnings.find((w) => w.startsWith('"aux.c"'))).toMatch(/AUX is a device name on Windows/);
    // The history keeps them too.
    const { entries: history } = await (await vault.history()).query({ limit: 1000 });
    expect(history.filter((e) => e.action === 'warning' && /will not restore on Windows/.test(e.reason ?? ''))).toHaveLength(7);

    // Changed content, the same names: stored again without a second warning; a new odd name is warned about.
    await writeFile(join(sb.folder, 'aux.c'), 'changed');
    await writeFile(join(sb.folder, 'nul'), 'new');
    const second = await syncer.sync();
    expect(second.uploaded).toBe(2);
    expect(named(second.warnings)).toEqual(['nul']);
    expect((await syncer.sync()).warnings).toEqual([]);
    // Stored under their own names (restoring them on Linux is the restore's business, not tested here).
    const { tree } = await vault.tree();
    expect([...tree.keys()].sort()).toEqual(['CON', ...odd, 'fine.txt', 'nul'].sort());
  });
});

describe('maintenance around passes (vault/maintenance.ts)', () => {
  it('prunes once a day by its clock and rotates when due; a bare pass does neither', async () => {
    sb = await sandbox();
    const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const vault = await fileVault(sb, clock);
    const syncer = syncerOf(vault);
    const maintenance = new Maintenance(vault, clock);
    await writeFile(join(sb.folder, 'a.txt'), 'a');

    const bare = await syncer.sync();
    expect(bare.committed).toBe(true);
    expect((await loadIndex(vault.paths.index)).lastPrune).toBeUndefined();

    const first = await maintainedSync(vault, syncer, maintenance);
    expect(first.pruned).toBeDefined();
    expect((await loadIndex(vault.paths.index)).lastPrune).toBe(new Date(clock.now()).toISOString());
    clock.advance(12 * 3_600_000);
    expect((await maintainedSync(vault, syncer, maintenance)).pruned).toBeUndefined();
    clock.advance(13 * 3_600_000); // more than a day since the last prune
    expect((await maintainedSync(vault, syncer, maintenance)).pruned).toBeDefined();

    // A year and more later the key is due for rotation: only the maintained pass rotates.
    clock.advance(400 * DAY);
    const before = await vault.key.currentVersion();
    await syncer.sync();
    expect(await vault.key.currentVersion()).toBe(before);
    await writeFile(join(sb.folder, 'b.txt'), 'b');
    await maintainedSync(vault, syncer, maintenance);
    expect(await vault.key.currentVersion()).toBe(before + 1);
    const { tree } = await vault.tree();
    expect(tree.get('b.txt')?.keyVersion).toBe(before + 1); // rotated before the pass, which sealed with it
  });
});
