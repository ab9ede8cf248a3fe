import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, readdir, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';
import { sandbox, initVault, snapshot, type Sandbox } from './harness.ts';

/**
 * A bucket is not trusted: whoever can write to it (or a buggy writer) may name files anything. Here the
 * vault's own key signs a hostile manifest, the strongest case, and nothing may land outside --to.
 */
describe('restore from a hostile manifest', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('writes nothing outside --to and reports every refused path', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'ok.txt'), 'payload');
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    await syncer.sync();
    await syncer.close();
    const { tree } = await vault.tree();
    const good = tree.get('ok.txt')!;
    const as = (path: string, extra: Partial<FileEntry> = {}): FileEntry => ({ ...good, path, ...extra });
    const hostile = new Map<string, FileEntry>();
    for (const p of ['../escape.txt', '/etc/coffer-escape', 'a/../../escape2', 'a\\..\\escape3', 'nul\0byte', 'CON', 'con.txt', 'aux', 'ok.txt']) {
      hostile.set(p, as(p));
    }
    hostile.set('link', as('link', { type: 'symlink', target: '/tmp', hash: undefined, chunks: undefined, size: 0 }));
    hostile.set('link/through.txt', as('link/through.txt'));
    hostile.set('up', as('up', { type: 'symlink', target: '../../..', hash: undefined, chunks: undefined, size: 0 }));
    hostile.set('Case.txt', as('Case.txt'));
    hostile.set('case.txt', as('case.txt'));
    hostile.set('caf\u00e9.txt', as('caf\u00e9.txt'));
    hostile.set('cafe\u0301.txt', as('cafe\u0301.txt'));
    const head = await vault.manifest.readHead();
    const prev = await vault.manifest.readRoot(head!.head.rootId);
    const root = await vault.manifest.writeRoot(hostile, prev, { device: 'attacker', seq: 1, time: new Date().toISOString() });
    await vault.manifest.commitHead(root, head!.etag, head!.head.generation + 1, new Date().toISOString());

    const outer = join(sb.root, 'outer');
    const to = join(outer, 'restore-here');
    await mkdir(to, { recursive: true });
    const report = await vault.restore(to);
    const refused = report.problems.map((p) => p.path).sort();
    for (const p of ['../escape.txt', '/etc/coffer-escape', 'a/../../escape2', 'a\\..\\escape3', 'nul\0byte', 'link', 'up']) {
      expect(refused).toContain(p);
    }
    // Windows device names are refused only where they open a device; here they are plain files, inside --to.
    const windowsOnly = ['CON', 'con.txt', 'aux'];
    if (process.platform === 'win32') for (const p of windowsOnly) expect(refused).toContain(p);
    else for (const p of windowsOnly) expect(refused).not.toContain(p);
    expect(await readdir(outer)).toEqual(['restore-here']);
    const inside = await snapshot(to);
    expect(inside['ok.txt']).toBe(Buffer.from('payload').toString('base64'));
    if (process.platform !== 'win32') for (const p of windowsOnly) expect(inside[p]).toBe(inside['ok.txt']);
    // Case and normalisation twins both survive on this case-sensitive file system.
    expect(Object.keys(inside)).toEqual(expect.arrayContaining(['Case.txt', 'case.txt', 'caf\u00e9.txt', 'cafe\u0301.txt']));
    // 'link/through.txt' is written as a real folder and file: the refused link was never created.
    expect(inside['link']).toBe('<dir>');
    await vault.close();
  });
});
