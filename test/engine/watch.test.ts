import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { VaultRunner } from '../../src-main/engine/vault/vault-runner.ts';
import { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import type { SyncState } from '../../src-main/engine/ports/vault-service.ts';
import { sandbox, initVault, until, type Sandbox } from './harness.ts';

describe('watching a folder (real chokidar)', () => {
  let sb: Sandbox;
  let stopAfter: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stopAfter?.();
    stopAfter = null;
    await sb?.cleanup();
  });

  it('syncs what changed while stopped, then each change as it happens; pause holds changes until resume', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'before-start.txt'), 'made while Coffer was not running');
    const { vault } = await initVault(sb, 'file');
    const states: SyncState[] = [];
    const runner = new VaultRunner(vault, { onState: (s) => states.push(s) }, { quietMs: 100, fullRescanMs: 0 });
    await runner.start();
    // Stopped however the test ends: a runner left writing races the sandbox's removal (ENOTEMPTY).
    stopAfter = async () => {
      await runner.stop();
      await vault.close();
    };
    const stored = async (p: string) => (await vault.tree()).tree.has(p);
    await until(() => stored('before-start.txt'), 'the watched change to be synced');

    await writeFile(join(sb.folder, 'live.txt'), 'written while watching');
    await until(() => stored('live.txt'), 'the watched change to be synced');
    await rename(join(sb.folder, 'live.txt'), join(sb.folder, 'moved.txt'));
    await until(async () => (await stored('moved.txt')) && !(await stored('live.txt')), 'the watched change to be synced');
    // A pass commits, then writes its history lines: the tree can show the rename a moment before the
    // history does (failed CI once when it was read at once).
    const renamedPath = async () => (await vault.queryHistory({ actions: ['rename'] })).entries[0]?.path;
    await until(async () => (await renamedPath()) !== undefined, 'the rename in the history');
    expect(await renamedPath()).toBe('moved.txt');

    await runner.pause();
    await writeFile(join(sb.folder, 'while-paused.txt'), 'held');
    await new Promise((r) => setTimeout(r, 600));
    expect(await stored('while-paused.txt')).toBe(false);
    await runner.resume();
    await until(() => stored('while-paused.txt'), 'the watched change to be synced');
    await until(() => runner.state === 'up-to-date', 'the runner to be up to date');
    expect(states).toEqual(expect.arrayContaining(['syncing', 'up-to-date', 'paused']));
  });

  it('the mass-delete guard pauses a watching vault, reports it in the status, and proceeds once confirmed', async () => {
    sb = await sandbox();
    for (let i = 0; i < 6; i++) await writeFile(join(sb.folder, `f${i}.txt`), `file ${i}`);
    const { vault } = await initVault(sb, 'file');
    const service = new EngineVaultService(vault);
    await service.runner.start();
    await until(async () => (await vault.tree()).tree.size === 6, 'the first pass');
    for (let i = 0; i < 4; i++) await rm(join(sb.folder, `f${i}.txt`));
    await until(async () => (await service.status()).massDelete !== undefined, 'the mass-delete guard to trip');
    expect((await service.status()).massDelete).toEqual({ wouldDelete: 4, total: 6 });
    expect((await vault.tree()).tree.size).toBe(6);
    const summary = await service.syncNow({ allowMassDelete: true });
    expect(summary.deleted).toBe(4);
    const after = await service.status();
    expect(after.massDelete).toBeUndefined();
    expect(after.state).toBe('up-to-date');
    await service.runner.stop();
    await vault.close();
  });
});
