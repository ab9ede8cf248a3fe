import { describe, it, expect, afterEach } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { Maintenance, maintainedSync } from '../../src-main/engine/vault/maintenance.ts';
import { REPACK_JOURNAL } from '../../src-main/engine/vault/repack.ts';
import { loadSettings, saveSettings } from '../../src-main/engine/journal/settings-store.ts';
import { MaintainedSyncer } from '../support/maintained-syncer.ts';
import { initVault, sandbox, snapshot, until, type Sandbox } from '../engine/harness.ts';
import { assertBuilt, runCli, startCli } from '../engine/cli-harness.ts';
import { headFiles, storedObjects, writeSmallFiles } from './repack-support.ts';

describe('coffer sync --repack', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('repacks after the pass, says so, and the history has the line', async () => {
    assertBuilt();
    sb = await sandbox();
    const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'cli passphrase' };
    const names = await writeSmallFiles(sb.folder, 20, 10_000);
    expect((await runCli(['init', sb.folder, '--remote', `file://${join(sb.root, 'remote')}`, '--key', 'passphrase', '--recovery-kit', join(sb.root, 'kit.txt')], env)).code).toBe(0);
    expect((await runCli(['sync'], env)).code).toBe(0);
    for (const n of names.slice(3)) await rm(join(sb.folder, n));
    const deleted = await runCli(['sync', '--allow-mass-delete'], env);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).not.toMatch(/Repack/); // the day's prune (and repack) ran with the first sync

    const repacked = await runCli(['sync', '--repack'], env);
    expect(repacked.code).toBe(0);
    expect(repacked.stdout).toMatch(/Repacked 1 packs: 3 files, 1\d\d\.\d KiB freed once retention lets the older snapshots go/);
    const again = await runCli(['sync', '--repack'], env);
    expect(again.stdout).toMatch(/Repack: no pack is mostly unused/);
    const history = await runCli(['history', '--json'], env);
    expect(history.stdout).toMatch(/Repacked 1 packs: 3 files, 0\.2 MiB freed after retention/);
    expect((await runCli(['verify'], env)).code).toBe(0);
  }, 120_000);
});

describe('kill -9 during a repack', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('leaves the head on the last pass, every root complete, and the next repack finishes', async () => {
    assertBuilt();
    sb = await sandbox();
    // 16 files of 1 MB: one pack; keeping 4 leaves a quarter of it live (4 MB to move).
    const names = await writeSmallFiles(sb.folder, 16, 1_000_000);
    const { vault } = await initVault(sb, 'file');
    const setup = new MaintainedSyncer(vault);
    await setup.sync(); // the packs, and the day's prune
    const kept = names.slice(6, 10);
    for (const n of names) if (!kept.includes(n)) await rm(join(sb.folder, n));
    const deletion = await setup.sync({ allowMassDelete: true });
    await setup.close();
    const oldPack = [...(await headFiles(vault)).values()][0]!.chunks![0]!.object;
    expect(new Set([...(await headFiles(vault)).values()].map((e) => e.chunks![0]!.object))).toEqual(new Set([oldPack]));
    // Slow the child's uploads so the kill lands while the new pack is being stored.
    const settings = await loadSettings(vault.paths.settings);
    await saveSettings(vault.paths.settings, { ...settings, bwlimitKiBps: 2048 });
    await vault.close();

    const child = startCli(['sync', '--repack', sb.folder], { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'correct horse' });
    let childErr = '';
    child.stderr!.on('data', (d) => (childErr += d));
    const exited = new Promise((r) => child.on('exit', r));
    const journal = join(vault.paths.dir, REPACK_JOURNAL);
    await until(async () => (await readFile(journal, 'utf8').catch(() => '')).includes('"intent"'), 'the repack to begin its pack', 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}: ${childErr}`);
    });
    child.kill('SIGKILL');
    await exited;
    expect(await readFile(journal, 'utf8')).not.toContain('"committed"');

    await saveSettings(vault.paths.settings, { ...settings, bwlimitKiBps: undefined });
    const after = await LocalVault.open(sb.env, sb.folder);
    expect((await after.manifest.readHead())!.head.rootId).toBe(deletion.index.rootId);
    expect((await after.verify()).bad).toEqual([]);
    const out = join(sb.root, 'restored');
    expect((await after.restore(out)).problems).toEqual([]);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));

    const syncer = new VaultSyncer(after);
    const done = await maintainedSync(after, syncer, new Maintenance(after, after.clock, { repackNow: true }));
    await syncer.close();
    expect(done.warnings).toEqual([]);
    expect(done.repacked).toMatchObject({ packs: 1, files: 4 });
    const files = await headFiles(after);
    const packs = new Set([...files.values()].map((e) => e.chunks![0]!.object));
    expect(packs.size).toBe(1);
    expect(packs.has(oldPack)).toBe(false);
    const report = await after.verify();
    expect(report.bad).toEqual([]);
    // What the killed run stored (if anything) is named by no root: the prune's to remove after a day.
    const named = new Set([...files.values()].map((e) => e.chunks![0]!.object));
    expect(report.unreferenced.objects.every((id) => !named.has(id))).toBe(true);
    expect((await storedObjects(after)).size).toBeGreaterThan(0);
    const again = join(sb.root, 'restored-again');
    expect((await after.restore(again)).problems).toEqual([]);
    expect(await snapshot(again)).toEqual(await snapshot(sb.folder));
    await after.close();
  }, 180_000);
});
