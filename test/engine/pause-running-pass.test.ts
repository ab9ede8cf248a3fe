// Pause during a running sync: the pass stops at the next file (a safe point), commits nothing, loses
// nothing, and the pass after Resume reuses what the stopped one stored instead of uploading it again.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VaultRunner } from '../../src-main/engine/vault/vault-runner.ts';
import { openVault, type OpenVault } from '../../src-main/engine/use-cases/vault-ops.ts';
import { storedState } from '../../src-main/engine/use-cases/status.ts';
import { FaultyStore } from '../support/faulty-store.ts';
import type { SyncProgress } from '../../src-main/engine/ports/vault-service.ts';
import { initVault, sandbox, snapshot, type Sandbox } from './harness.ts';
import { seededBytes } from '../support/seeded-bytes.ts';

const FILES = 24;

describe('Pause during a running pass', () => {
  let sb: Sandbox;
  let vault: OpenVault | null = null;
  afterEach(async () => {
    await vault?.close();
    vault = null;
    await sb?.cleanup();
  });

  it('stops between files before the commit, then the pass after Resume stores everything, reusing what was stored', async () => {
    sb = await sandbox();
    const { vault: first } = await initVault(sb, 'file');
    await first.close();
    await mkdir(join(sb.folder, 'photos'));
    for (let i = 0; i < FILES; i++) await writeFile(join(sb.folder, 'photos', `p${String(i).padStart(2, '0')}.jpg`), seededBytes(`photo ${i}`, 4096 + i));
    const stores: FaultyStore[] = [];
    vault = await openVault({ ...sb.env, wrapStore: (s) => { const f = new FaultyStore(s); stores.push(f); return f; } }, sb.folder);
    const headBefore = await vault.manifest.readHead();

    const progress: SyncProgress[] = [];
    let pausing: Promise<void> | null = null;
    // A pack per file (a tiny pack target), so objects are written while the pass runs.
    const runner = new VaultRunner(vault, {
      onProgress: (p) => {
        progress.push(p);
        if (p.filesDone === 6 && !pausing) pausing = runner.pause();
      },
    }, { syncer: { tuning: { packTargetBytes: 1024 } } });
    const stopped = await runner.syncNow();
    await pausing;
    expect(stopped.state).toBe('paused');
    expect(runner.state).toBe('paused');
    expect(runner.lastError).toBeUndefined();
    // Stopped at the safe point right after the file that asked, not at the end.
    const last = progress.at(-1)!;
    expect(last.filesDone).toBeLessThan(last.filesTotal);
    expect(last.currentFile).toMatch(/^photos\/p\d\d\.jpg$/);
    expect(last.bytesPerSecond).toBeGreaterThanOrEqual(0);
    // Nothing committed: the head is as before, and the history has no pass and no error.
    expect(await vault.manifest.readHead()).toEqual(headBefore);
    const history = await vault.queryHistory({ limit: 50 });
    expect(history.entries.filter((e) => e.action === 'sync' || e.action === 'error')).toEqual([]);
    const putsWhilePaused = stores.reduce((n, s) => n + s.calls.put, 0);
    expect(putsWhilePaused).toBeGreaterThan(0);

    await runner.resume();
    const done = await runner.syncNow();
    expect(done).toMatchObject({ errors: 0, state: 'up-to-date' });
    expect(done.uploaded).toBe(FILES);
    expect((await storedState(vault)).files).toBe(FILES);
    // What the stopped pass stored was taken up, not uploaded again.
    const reused = (await vault.queryHistory({ actions: ['upload'], limit: 100 })).entries
      .filter((e) => e.reason === 'identical content already stored; no upload needed');
    expect(reused.length).toBeGreaterThan(0);
    expect(reused.length).toBeLessThan(FILES);

    // And the vault restores byte for byte.
    const out = join(sb.root, 'restored');
    await vault.restore(out);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
    await runner.stop();
  });
});
