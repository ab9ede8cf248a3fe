import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, mkdir, rm, readFile, readdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { MassDeleteError } from '../../src-main/engine/sync/mass-delete-guard.ts';
import { runSyncPass } from '../../src-main/engine/sync/sync-pass.ts';
import { FileJournal } from '../../src-main/engine/journal/file-journal.ts';
import { FsScanner } from '../../src-main/engine/scan/fs-scanner.ts';
import { IgnoreRules } from '../../src-main/engine/scan/ignore-rules.ts';
import { loadIndex } from '../../src-main/engine/sync/local-index.ts';
import type { Scanner } from '../../src-main/engine/ports/scanner.ts';
import { systemClock, systemRandom } from '../../src-main/engine/ports/clock.ts';
import { sandbox, initVault, snapshot, type Sandbox } from './harness.ts';

describe('local files the engine must handle without losing anything', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('255-byte names, zero-byte files, ignored temp files, and a FIFO (not stored: counted and recorded)', async () => {
    sb = await sandbox();
    const long = `${'é'.repeat(100)}${'x'.repeat(51)}.txt`; // 200 + 51 + 4 = 255 bytes
    expect(Buffer.byteLength(long)).toBe(255);
    await writeFile(join(sb.folder, long), 'long name');
    await writeFile(join(sb.folder, 'zero'), '');
    await writeFile(join(sb.folder, 'draft.swp'), 'editor swap file');
    await writeFile(join(sb.folder, '.cofferignore'), 'build/\n');
    await mkdir(join(sb.folder, 'build'));
    await writeFile(join(sb.folder, 'build/out.o'), 'object');
    execFileSync('mkfifo', [join(sb.folder, 'pipe')]);
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    const r = await syncer.sync();
    await syncer.close();
    expect(r.complete).toBe(false); // a FIFO is not in the vault, and no rule of the user's left it out
    expect(r.problems).toEqual([{ path: 'pipe', reason: expect.stringMatching(/fifo/) }]);
    const { tree } = await vault.tree();
    expect([...tree.keys()].sort()).toEqual(['.cofferignore', long, 'zero'].sort());
    const skipped = await vault.queryHistory({ actions: ['skip'] });
    expect(skipped.entries.map((e) => [e.path, e.reason])).toContainEqual(['pipe', expect.stringMatching(/fifo/i)]);
    const out = join(sb.root, 'out');
    await vault.restore(out);
    expect(await readFile(join(out, long), 'utf8')).toBe('long name');
    expect(await readFile(join(out, 'zero'), 'utf8')).toBe('');
    await vault.close();
  });

  it('a file deleted between the scan and its upload is recorded, and the pass completes', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'stays.txt'), 'stays');
    await writeFile(join(sb.folder, 'vanishes.txt'), 'vanishes');
    const { vault } = await initVault(sb, 'file');
    const inner = new FsScanner({ root: sb.folder, ignore: await IgnoreRules.load(sb.folder) });
    // The scanner saw the file; it is gone before the uploader reads it.
    const racing: Scanner = { scan: async (index, opts) => {
      const result = await inner.scan(index, opts);
      await rm(join(sb.folder, 'vanishes.txt'));
      return result;
    } };
    const journal = await FileJournal.open(vault.paths.dir);
    const result = await runSyncPass({
      root: sb.folder, vaultId: vault.vaultId, deviceId: 'dev', store: vault.store, sealer: vault.sealer, manifest: vault.manifest,
      journal, history: await vault.history(), scanner: racing, clock: systemClock, random: systemRandom, spoolDir: vault.paths.spool,
      keyVersion: async () => 1, massDeleteThreshold: 0.5, chunker: () => vault.chunker(),
    }, await loadIndex(vault.paths.index));
    await journal.close();
    expect(result.skipped).toBe(1);
    const { tree } = await vault.tree();
    expect([...tree.keys()]).toEqual(['stays.txt']);
    const history = await vault.queryHistory({ pathContains: 'vanishes' });
    expect(history.entries[0]?.reason).toMatch(/deleted before it could be read/);
    await vault.close();
  });

  it('the mass-delete guard pauses a pass that would delete most files, and --allow-mass-delete proceeds', async () => {
    sb = await sandbox();
    for (let i = 0; i < 10; i++) await writeFile(join(sb.folder, `f${i}.txt`), `file ${i}`);
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    await syncer.sync();
    for (let i = 0; i < 6; i++) await rm(join(sb.folder, `f${i}.txt`));
    await expect(syncer.sync()).rejects.toBeInstanceOf(MassDeleteError);
    expect((await vault.tree()).tree.size).toBe(10); // nothing was deleted
    const r = await syncer.sync({ allowMassDelete: true });
    expect(r.deleted).toBe(6);
    await syncer.close();
    // Deleted files keep their versions: the folder as it was before can still be restored.
    const versions = await vault.versions('f0.txt');
    expect(versions[0]?.entry).toBeNull();
    expect(versions[1]?.entry?.size).toBe(6);
    await vault.close();
  });

  it('syncs a folder of 5,000 files and finds nothing to do on the next pass', async () => {
    sb = await sandbox();
    for (let d = 0; d < 50; d++) {
      await mkdir(join(sb.folder, `d${d}`));
      await Promise.all(Array.from({ length: 100 }, (_, i) => writeFile(join(sb.folder, `d${d}`, `f${i}.txt`), `${d}/${i}`)));
    }
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    const first = await syncer.sync();
    expect(first.uploaded).toBe(5000);
    const objects = await readdir(join(sb.root, 'remote', 'objects'), { recursive: true });
    expect(objects.filter((o) => o.includes('/')).length).toBeLessThan(20); // packed, not 5,000 objects
    const second = await syncer.sync();
    expect(second).toMatchObject({ uploaded: 0, deleted: 0, renamed: 0 });
    await syncer.close();
    const out = join(sb.root, 'out');
    await vault.restore(out);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
    await vault.close();
  });
});
