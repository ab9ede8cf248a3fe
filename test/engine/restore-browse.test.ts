import { describe, it, expect, afterEach } from 'vitest';
import { mkdir, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import type { LocalVault } from '../../src-main/engine/vault/vault.ts';
import type { RestoreProgress } from '../../src-main/engine/ports/vault-service.ts';
import { sandbox, initVault, type Sandbox } from './harness.ts';

/** `2026-12-01T21:18:40.123Z` -> `2026-12-01 2118`: a copy's stamp in UTC, read off the ISO text. */
const utcStamp = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 13)}${iso.slice(14, 16)}`;

/**
 * Three snapshots: (1) docs/a.txt, docs/sub/b.txt, top.txt; (2) a.txt edited; (3) top.txt deleted,
 * docs/c.txt added. Returns the service (runner not started: passes are driven with syncNow).
 */
async function threeSnapshots(sb: Sandbox): Promise<{ vault: LocalVault; service: EngineVaultService }> {
  await mkdir(join(sb.folder, 'docs', 'sub'), { recursive: true });
  await writeFile(join(sb.folder, 'docs', 'a.txt'), 'a version one');
  await writeFile(join(sb.folder, 'docs', 'sub', 'b.txt'), 'bee');
  await writeFile(join(sb.folder, 'top.txt'), 'top of the vault');
  const { vault } = await initVault(sb, 'file');
  const service = new EngineVaultService(vault);
  await service.syncNow();
  await writeFile(join(sb.folder, 'docs', 'a.txt'), 'a version two, longer');
  await service.syncNow();
  await unlink(join(sb.folder, 'top.txt'));
  await writeFile(join(sb.folder, 'docs', 'c.txt'), 'sea');
  await service.syncNow();
  return { vault, service };
}

describe('the Restore view: snapshots and their folders', () => {
  let sb: Sandbox;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
    await sb?.cleanup();
  });

  it('lists snapshots newest first with device and files changed, a page at a time', async () => {
    sb = await sandbox();
    const { vault, service } = await threeSnapshots(sb);
    close = async () => { await service.close(); await vault.close(); };
    const all = await service.snapshots({});
    expect(all.next).toBeUndefined();
    // Newest: top.txt deleted + c.txt added; then a.txt edited; the first holds all three files.
    expect(all.snapshots.map((s) => s.changed)).toEqual([2, 1, 3]);
    expect(all.snapshots.map((s) => s.files)).toEqual([3, 3, 3]);
    expect(all.snapshots.every((s) => s.device === vault.settings.deviceId)).toBe(true);
    expect([...all.snapshots].sort((a, b) => b.time.localeCompare(a.time))).toEqual(all.snapshots);
    const first = await service.snapshots({ limit: 2 });
    expect(first.snapshots.map((s) => s.rootId)).toEqual(all.snapshots.slice(0, 2).map((s) => s.rootId));
    expect(first.next).toBe(all.snapshots[2]!.rootId);
    const rest = await service.snapshots({ limit: 2, from: first.next });
    expect(rest).toEqual({ snapshots: [all.snapshots[2]] });
  });

  it('gives a snapshot folder by folder, folders first, with sizes summed and what changed since', async () => {
    sb = await sandbox();
    const { vault, service } = await threeSnapshots(sb);
    close = async () => { await service.close(); await vault.close(); };
    const oldest = (await service.snapshots({})).snapshots[2]!;
    const top = await service.snapshotFolder({ rootId: oldest.rootId, folder: '' });
    expect(top.total).toBe(2);
    // docs/ holds a.txt (changed since) and sub/b.txt; top.txt was deleted since.
    expect(top.items.map((i) => [i.name, i.type, i.files, i.size, i.now])).toEqual([
      ['docs', 'dir', 2, 'a version one'.length + 'bee'.length, 'changed'],
      ['top.txt', 'file', 0, 'top of the vault'.length, 'deleted'],
    ]);
    const docs = await service.snapshotFolder({ rootId: oldest.rootId, folder: 'docs' });
    expect(docs.items.map((i) => `${i.path}:${i.now}`)).toEqual(['docs/sub:same', 'docs/a.txt:changed']);
    const paged = await service.snapshotFolder({ rootId: oldest.rootId, folder: 'docs', offset: 1, limit: 1 });
    expect(paged).toEqual({ items: [docs.items[1]], total: 2 });
    await expect(service.snapshotFolder({ rootId: oldest.rootId, folder: 'nope' })).rejects.toThrow(/no folder "nope"/);
    const found = await service.snapshotSearch({ rootId: oldest.rootId, query: 'B.TXT' });
    expect(found.items.map((i) => i.path)).toEqual(['docs/sub/b.txt']);
    const folders = await service.snapshotSearch({ rootId: oldest.rootId, query: 'sub' });
    expect(folders.items.map((i) => `${i.path}:${i.type}`)).toEqual(['docs/sub:dir', 'docs/sub/b.txt:file']);
    await expect(service.snapshotFolder({ rootId: 'f'.repeat(32), folder: '' })).rejects.toThrow(/no longer kept/);
  });
});

describe('the Restore view: restoring a selection', () => {
  let sb: Sandbox;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
    await sb?.cleanup();
  });

  it('to the original location: skip keeps the file, keep both writes a copy beside it, overwrite replaces it', async () => {
    sb = await sandbox();
    const { vault, service } = await threeSnapshots(sb);
    close = async () => { await service.close(); await vault.close(); };
    const oldest = (await service.snapshots({})).snapshots[2]!;
    const a = join(sb.folder, 'docs', 'a.txt');
    const skip = await service.restoreSnapshot({ rootId: oldest.rootId, paths: ['docs/a.txt'], existing: 'skip' });
    expect(skip).toMatchObject({ restored: 0, skipped: 1, keptBothCount: 0, failedCount: 0, to: sb.folder });
    expect(await readFile(a, 'utf8')).toBe('a version two, longer');

    const both = await service.restoreSnapshot({ rootId: oldest.rootId, paths: ['docs/a.txt'], existing: 'keep-both', timeZone: 'UTC' });
    const copy = `docs/a (restored ${utcStamp(oldest.time)}).txt`;
    expect(both).toMatchObject({ restored: 1, skipped: 0, failedCount: 0, failed: [], keptBothCount: 1, keptBoth: [{ path: 'docs/a.txt', restoredAs: copy }] });
    expect(await readFile(a, 'utf8')).toBe('a version two, longer');
    expect(await readFile(join(sb.folder, copy), 'utf8')).toBe('a version one');
    // Keeping both again: the first copy is kept too, the next one counts up.
    const again = await service.restoreSnapshot({ rootId: oldest.rootId, paths: ['docs/a.txt'], existing: 'keep-both', timeZone: 'UTC' });
    expect(again.failed).toEqual([]);
    expect(again.keptBoth[0]!.restoredAs).toBe(`docs/a (restored ${utcStamp(oldest.time)} 2).txt`);

    const over = await service.restoreSnapshot({ rootId: oldest.rootId, paths: ['docs'], existing: 'overwrite' });
    expect(over).toMatchObject({ restored: 2, skipped: 0, failedCount: 0 });
    expect(await readFile(a, 'utf8')).toBe('a version one');
    // docs/c.txt came later: a restore of the older docs/ leaves it alone.
    expect(await readFile(join(sb.folder, 'docs', 'c.txt'), 'utf8')).toBe('sea');
  });

  it('into another folder, with progress; a relative target is refused before anything is written', async () => {
    sb = await sandbox();
    const { vault, service } = await threeSnapshots(sb);
    close = async () => { await service.close(); await vault.close(); };
    const events: RestoreProgress[] = [];
    service.subscribe((e) => { if (e.type === 'restore') events.push(e.progress); });
    const oldest = (await service.snapshots({})).snapshots[2]!;
    const to = join(sb.root, 'elsewhere');
    const r = await service.restoreSnapshot({ rootId: oldest.rootId, paths: ['docs', 'top.txt'], to, existing: 'keep-both' });
    expect(r).toMatchObject({ to, restored: 3, skipped: 0, keptBothCount: 0, failedCount: 0, snapshotTime: oldest.time });
    expect(await readFile(join(to, 'docs', 'a.txt'), 'utf8')).toBe('a version one');
    expect(await readFile(join(to, 'docs', 'sub', 'b.txt'), 'utf8')).toBe('bee');
    expect(await readFile(join(to, 'top.txt'), 'utf8')).toBe('top of the vault');
    expect((await readdir(join(to, 'docs'))).sort()).toEqual(['a.txt', 'sub']);
    // Five entries: docs/, docs/a.txt, docs/sub/, docs/sub/b.txt, top.txt.
    expect(events.at(-1)).toEqual({ done: 5, total: 5, bytes: r.bytes });
    expect(events.length).toBeGreaterThan(0);
    await expect(service.restoreSnapshot({ rootId: oldest.rootId, paths: ['docs'], to: 'relative/dir', existing: 'skip' }))
      .rejects.toThrow(/not an absolute folder path/);
    await expect(service.restoreSnapshot({ rootId: oldest.rootId, paths: ['nothing/here'], to, existing: 'skip' }))
      .rejects.toThrow(/none of the chosen paths/);
  });

  it('puts a deleted file back at its original path, and the next pass stores it without an upload', async () => {
    sb = await sandbox();
    const { vault, service } = await threeSnapshots(sb);
    close = async () => { await service.close(); await vault.close(); };
    const oldest = (await service.snapshots({})).snapshots[2]!;
    const listed = await service.snapshotFolder({ rootId: oldest.rootId, folder: '' });
    expect(listed.items.find((i) => i.path === 'top.txt')?.now).toBe('deleted');
    const r = await service.restoreSnapshot({ rootId: oldest.rootId, paths: ['top.txt'], existing: 'keep-both' });
    expect(r).toMatchObject({ restored: 1, keptBothCount: 0 });
    expect(await readFile(join(sb.folder, 'top.txt'), 'utf8')).toBe('top of the vault');
    const pass = await service.syncNow();
    expect(pass).toMatchObject({ uploaded: 1, bytes: 0 });
    const { tree } = await vault.tree();
    const { tree: old } = await vault.snapshotTree(oldest.rootId);
    expect(tree.get('top.txt')?.chunks).toEqual(old.get('top.txt')?.chunks);
  });
});

describe('restore as copy', () => {
  let sb: Sandbox;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
    await sb?.cleanup();
  });

  it('keeps the extension, does not nest the suffix, and the copy costs no upload', async () => {
    sb = await sandbox();
    const { vault, service } = await threeSnapshots(sb);
    close = async () => { await service.close(); await vault.close(); };
    const versions = await service.versions('docs/a.txt');
    const v1 = versions.at(-1)!;
    const { restoredPath } = await service.restoreCopy('docs/a.txt', v1.versionId, { timeZone: 'UTC' });
    expect(restoredPath).toBe(`docs/a (restored ${utcStamp(v1.time)}).txt`);
    expect(await readFile(join(sb.folder, restoredPath), 'utf8')).toBe('a version one');
    const pass = await service.syncNow();
    expect(pass).toMatchObject({ uploaded: 1, bytes: 0 });

    // The copy's own version, restored as a copy: one suffix, with that version's time.
    const copyVersions = await service.versions(restoredPath);
    const again = await service.restoreCopy(restoredPath, copyVersions[0]!.versionId, { timeZone: 'UTC' });
    // Committed within the same minute as the first version, the plain name is the first copy's own: it counts up.
    const stamp = utcStamp(copyVersions[0]!.time);
    expect(again.restoredPath).toBe(`docs/a (restored ${stamp}${stamp === utcStamp(v1.time) ? ' 2' : ''}).txt`);
    expect(await readFile(join(sb.folder, again.restoredPath), 'utf8')).toBe('a version one');
  });

  it('the same bytes written by hand are uploaded as new content (what the restore hint saves)', async () => {
    sb = await sandbox();
    const { vault, service } = await threeSnapshots(sb);
    close = async () => { await service.close(); await vault.close(); };
    await writeFile(join(sb.folder, 'docs', 'by hand.txt'), 'a version one');
    const pass = await service.syncNow();
    expect(pass.uploaded).toBe(1);
    expect(pass.bytes).toBeGreaterThan(0);
  });

  it('uploads the restored file anew when its stored chunks are gone meanwhile, never naming a missing object', async () => {
    sb = await sandbox();
    const { vault, service } = await threeSnapshots(sb);
    close = async () => { await service.close(); await vault.close(); };
    const oldest = (await service.snapshots({})).snapshots[2]!;
    await service.restoreSnapshot({ rootId: oldest.rootId, paths: ['top.txt'], existing: 'skip' });
    const { tree: old } = await vault.snapshotTree(oldest.rootId);
    const object = old.get('top.txt')!.chunks![0]!.object;
    // As a prune on another device would: the pack of the old snapshot is deleted from the bucket.
    await rm(join(sb.root, 'remote', 'objects', object.slice(0, 2), object));
    const pass = await service.syncNow();
    expect(pass.bytes).toBeGreaterThan(0);
    const { tree } = await vault.tree();
    expect(tree.get('top.txt')!.chunks![0]!.object).not.toBe(object);
    const restoredBack = join(sb.root, 'check');
    await service.restoreSnapshot({ rootId: (await service.snapshots({ limit: 1 })).snapshots[0]!.rootId, paths: ['top.txt'], to: restoredBack, existing: 'skip' });
    expect(await readFile(join(restoredBack, 'top.txt'), 'utf8')).toBe('top of the vault');
  });
});
