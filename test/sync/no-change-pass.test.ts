import { describe, it, expect, afterEach, vi } from 'vitest';
import { mkdir, open, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { MaintainedSyncer } from '../support/maintained-syncer.ts';
import { loadIndex } from '../../src-main/engine/sync/local-index.ts';
import { PhaseRecorder } from '../../src-main/engine/ports/phase-timer.ts';
import { vaultStatus } from '../../src-main/engine/use-cases/status.ts';
import { sandbox, freshRemote, type Sandbox } from '../engine/harness.ts';

/** Files with mtimes an hour back, so none is racily clean and the pass may save the folder's print. */
async function oldFiles(folder: string, names: string[]): Promise<void> {
  const past = new Date(Date.now() - 3_600_000);
  for (const n of names) {
    await mkdir(join(folder, n, '..'), { recursive: true });
    await writeFile(join(folder, n), `content of ${n}`);
    await utimes(join(folder, n), past, past);
  }
}

/** Counts fsync and fdatasync calls of every FileHandle while `work` runs; the calls still go through. */
async function countingSyncs<T>(work: () => Promise<T>): Promise<{ value: T; syncs: number }> {
  const probe = await open(fileURLToPath(import.meta.url), 'r');
  const proto = Object.getPrototypeOf(probe) as { sync(): Promise<void>; datasync(): Promise<void> };
  await probe.close();
  const sync = vi.spyOn(proto, 'sync');
  const datasync = vi.spyOn(proto, 'datasync');
  try {
    const value = await work();
    return { value, syncs: sync.mock.calls.length + datasync.mock.calls.length };
  } finally {
    sync.mockRestore();
    datasync.mockRestore();
  }
}

async function stateFiles(vault: LocalVault): Promise<Record<string, string>> {
  const read = (p: string) => readFile(p, 'latin1').catch(() => '(absent)');
  return {
    journal: await read(join(vault.paths.dir, 'journal.jsonl')),
    index: await read(vault.paths.index),
    audit: await read(join(vault.paths.dir, 'key-audit.jsonl')),
  };
}

describe('a no-change pass', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('appends exactly one history line and writes no journal record, index, audit entry or fsync', async () => {
    sb = await sandbox();
    await oldFiles(sb.folder, ['a.txt', 'docs/b.txt', 'docs/deep/c.txt']);
    const r = await freshRemote('file', sb);
    const { vault } = await LocalVault.init(sb.env, { folder: sb.folder, remote: r.remote, keyRef: 'passphrase' });
    const syncer = new MaintainedSyncer(vault);
    const first = await syncer.sync();
    expect(first.uploaded).toBe(3);
    expect((await loadIndex(vault.paths.index)).folderPrint).toMatch(/^[0-9a-f]{64}$/);

    const before = await stateFiles(vault);
    const linesBefore = (await vault.queryHistory({ limit: 1000 })).total;
    const { value: pass, syncs } = await countingSyncs(() => syncer.sync());
    expect(pass.noChange).toBe(true);
    expect(pass).toMatchObject({ uploaded: 0, deleted: 0, renamed: 0, pulled: 0, errors: 0, complete: true, warnings: [] });
    expect(syncs).toBe(0);
    expect(await stateFiles(vault)).toEqual(before);
    const after = await vault.queryHistory({ limit: 1000 });
    expect(after.total).toBe(linesBefore + 1);
    expect(after.entries[0]).toMatchObject({ action: 'sync', reason: 'uploaded 0, renamed 0, deleted 0, pulled 0, conflicts 0, skipped 0, errors 0' });
    // Status still shows this pass as the last sync, from its history line (the index was not written).
    expect((await vaultStatus(vault)).lastSync).toBe(after.entries[0]!.time);
    await syncer.close();
    await vault.close();
  }, 60_000);

  it('never parses the per-path block of the index: a damaged block fails only the pass that needs it', async () => {
    sb = await sandbox();
    await oldFiles(sb.folder, ['a.txt', 'b.txt']);
    const r = await freshRemote('file', sb);
    const { vault } = await LocalVault.init(sb.env, { folder: sb.folder, remote: r.remote, keyRef: 'passphrase' });
    const syncer = new MaintainedSyncer(vault);
    await syncer.sync();
    const text = await readFile(vault.paths.index, 'utf8');
    const header = text.slice(0, text.indexOf('\n'));
    await writeFile(vault.paths.index, `${header}\n{"inodes": not json`);

    const phases = new PhaseRecorder(counter());
    const timed = await LocalVault.open({ ...sb.env, phases }, sb.folder);
    await syncer.close();
    const timedSyncer = new MaintainedSyncer(timed);
    expect((await timedSyncer.sync()).noChange).toBe(true);
    const names = phases.phases.map((p) => p.name);
    expect(names).toContain('scanning the folder');
    expect(names).not.toContain('reading the head and its tree');

    // A changed file needs the per-path block: the damage is found and named.
    await writeFile(join(sb.folder, 'a.txt'), 'edited');
    await expect(timedSyncer.sync()).rejects.toThrow(/local index .* is damaged/);
    await timedSyncer.close();
    await timed.close();
    await vault.close();
  }, 60_000);

  it('is not taken after a local edit, and a recent edit saves no print (racily clean)', async () => {
    sb = await sandbox();
    await oldFiles(sb.folder, ['a.txt']);
    const r = await freshRemote('file', sb);
    const { vault } = await LocalVault.init(sb.env, { folder: sb.folder, remote: r.remote, keyRef: 'passphrase' });
    const syncer = new MaintainedSyncer(vault);
    await syncer.sync();
    await writeFile(join(sb.folder, 'a.txt'), 'edited, same second');
    const edited = await syncer.sync();
    expect(edited.noChange).toBeUndefined();
    expect(edited.uploaded).toBe(1);
    // The edit is recent (racily clean): no print is saved, so the next pass compares file by file.
    expect((await loadIndex(vault.paths.index)).folderPrint).toBeUndefined();
    expect((await syncer.sync()).noChange).toBeUndefined();
    await syncer.close();
    await vault.close();
  }, 60_000);
});

/** A monotonic fake clock for the phase recorder: each reading one millisecond later. */
function counter(): () => number {
  let t = 0;
  return () => t++;
}
