import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobBody, BlobStore, PutOptions, PutResult } from '../../src-main/engine/ports/blob-store.ts';
import { ForwardingStore } from '../../src-main/engine/store/forwarding-store.ts';
import { MassDeleteError } from '../../src-main/engine/sync/mass-delete-guard.ts';
import { loadIndex } from '../../src-main/engine/sync/local-index.ts';
import { pruneVault } from '../../src-main/engine/sync/retention.ts';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { sandbox } from '../engine/harness.ts';
import { conflictPattern, firstClient, joinClient, type Client } from './clients.ts';

const DAY = 86_400_000;
const open: Client[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});
const track = (c: Client) => (open.push(c), c);

/** Runs `after` once, right after the head moved: the window between this pass's scan and its pull. */
class AfterCommitStore extends ForwardingStore {
  after: (() => Promise<unknown>) | null = null;
  override async put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    const res = await super.put(key, body, opts);
    const run = key === 'head' && this.after;
    if (run) {
      this.after = null;
      await run();
    }
    return res;
  }
}

describe('pulling never loses a local change', () => {
  it('leaves a file changed after the scan alone, and the next pass keeps both versions', async () => {
    const { client: a, ...at } = await firstClient('file');
    track(a);
    await a.write('shared.txt', 'v1');
    await a.sync();
    const hook: { store: AfterCommitStore | null } = { store: null };
    const b = track(await joinClient(at, { wrapStore: (s: BlobStore) => (hook.store = new AfterCommitStore(s)) }));
    await b.sync();
    await a.write('shared.txt', 'v2 from A');
    await a.sync();
    await b.write('other.txt', 'so that B commits');
    hook.store!.after = () => writeFile(join(b.sb.folder, 'shared.txt'), 'typed on B during the pass');
    const r = await b.sync();
    expect(r.committed).toBe(true);
    expect(await b.read('shared.txt')).toBe('typed on B during the pass');
    const next = await b.sync();
    expect(next.conflicts).toHaveLength(1);
    expect(await b.read('shared.txt')).toBe('typed on B during the pass');
    expect(await b.read(next.conflicts[0]!.copyPath)).toBe('v2 from A');
    await a.sync();
    expect(await a.files()).toEqual(await b.files());
  });

  it('pauses before applying a mass delete another device made, and applies it once allowed', async () => {
    const { client: a, ...at } = await firstClient('file');
    track(a);
    for (let i = 0; i < 5; i++) await a.write(`f${i}.txt`, `file ${i}`);
    await a.sync();
    const b = track(await joinClient(at));
    await b.sync();
    for (let i = 0; i < 4; i++) await a.remove(`f${i}.txt`);
    await a.sync({ allowMassDelete: true });
    await expect(b.sync()).rejects.toBeInstanceOf(MassDeleteError);
    expect(Object.keys(await b.files())).toHaveLength(5);
    const r = await b.sync({ allowMassDelete: true });
    expect(r.pulled).toBe(4);
    expect(await b.files()).toEqual({ 'f4.txt': 'file 4' });
  });

  it('a device offline for longer than retention keeps its own edits as conflict copies, the head keeps the names', async () => {
    const { client: a, ...at } = await firstClient('file');
    track(a);
    await a.write('stale.txt', 'v1');
    await a.write('both.txt', 'v1');
    await a.sync();
    const b = track(await joinClient(at));
    await b.sync();
    await b.write('both.txt', 'B edited offline');
    await a.write('stale.txt', 'v2 from A');
    await a.write('both.txt', 'A edited');
    await a.sync();
    // Retention deletes every root but the head's: B's own last root is gone.
    const head = await a.vault.manifest.readHead();
    const report = await pruneVault({ store: a.vault.store, manifest: a.vault.manifest }, head!.head.rootId, { now: Date.now() + 10 * DAY, retentionDays: 1, graceMs: DAY });
    expect(report.rootsDeleted).toBeGreaterThan(0);
    // B's manifest cache would still know its root (a normal three-way merge then): it forgets it too.
    const index = await loadIndex(b.vault.paths.index);
    await b.vault.manifest.forget([index.rootId!]);
    const r = await b.sync();
    // Without its own view B cannot tell an edit from a stale copy (v1 is pruned too): the head keeps the
    // names, B's versions are kept beside them.
    expect(await b.read('stale.txt')).toBe('v2 from A');
    expect(await b.read('both.txt')).toBe('A edited');
    const copies = Object.fromEntries(r.conflicts.map((c) => [c.path, c.copyPath]));
    expect(Object.keys(copies).sort()).toEqual(['both.txt', 'stale.txt']);
    expect(await b.read(copies['both.txt']!)).toBe('B edited offline');
    expect(await b.read(copies['stale.txt']!)).toBe('v1');
    await a.sync();
    expect(await a.files()).toEqual(await b.files());
  });

  it('resolves a folder on one device against a file of the same name on the other: the file is moved to a conflict copy', async () => {
    const { client: a, ...at } = await firstClient('file');
    track(a);
    await a.write('keep.txt', 'k');
    await a.sync();
    const b = track(await joinClient(at));
    await b.sync();
    await a.write('x/in.txt', 'inside the folder');
    await b.write('x', 'a file named x');
    await a.sync();
    const r = await b.sync();
    expect(r.conflicts).toEqual([expect.objectContaining({ path: 'x', kind: 'folder-vs-file', copyPath: expect.stringMatching(conflictPattern('x', '', b.vault.settings.deviceId)) })]);
    expect(await b.read('x/in.txt')).toBe('inside the folder');
    expect(await b.read(r.conflicts[0]!.copyPath)).toBe('a file named x');
    await a.sync();
    expect(await a.files()).toEqual(await b.files());
  });

  it('merges a non-empty folder on join: a differing file becomes a conflict copy, the vault keeps the name, nothing is overwritten', async () => {
    const { client: a, ...at } = await firstClient('file');
    track(a);
    await a.write('same.txt', 'same');
    await a.write('differs.txt', 'vault version');
    await a.write('older.txt', 'v1');
    await a.sync();
    await a.write('older.txt', 'v2');
    await a.sync();
    const sb = await sandbox();
    await writeFile(join(sb.folder, 'same.txt'), 'same');
    await writeFile(join(sb.folder, 'differs.txt'), 'local version');
    await writeFile(join(sb.folder, 'local-only.txt'), 'only here');
    await writeFile(join(sb.folder, 'older.txt'), 'v1'); // an older version the vault holds: simply stale
    const vault = await LocalVault.join(sb.env, { folder: sb.folder, remote: at.remote, keyRef: 'passphrase' });
    const syncer = new VaultSyncer(vault);
    try {
      const r = await syncer.sync();
      expect(r.conflicts).toHaveLength(1);
      const copy = r.conflicts[0]!.copyPath;
      expect(copy).toMatch(conflictPattern('differs', '.txt', vault.settings.deviceId));
      await a.sync();
      expect(await a.files()).toEqual({ 'differs.txt': 'vault version', [copy]: 'local version', 'local-only.txt': 'only here', 'older.txt': 'v2', 'same.txt': 'same' });
    } finally {
      await syncer.close();
      await vault.close();
      await sb.cleanup();
    }
  });

  it('refuses to join a bucket with no vault, a folder already registered, and init on a vault points to join', async () => {
    const { client: a, ...at } = await firstClient('file');
    track(a);
    const sb = await sandbox();
    await mkdir(join(sb.root, 'empty'));
    try {
      await expect(LocalVault.join(sb.env, { folder: sb.folder, remote: `file://${join(sb.root, 'empty')}`, keyRef: 'passphrase' }))
        .rejects.toThrow(/there is no Coffer vault at .*; to create one, run "coffer init/);
      await expect(LocalVault.join(a.sb.env, { folder: a.sb.folder, remote: at.remote, keyRef: 'passphrase' })).rejects.toThrow(/already a Coffer folder/);
      await expect(LocalVault.init(sb.env, { folder: sb.folder, remote: at.remote, keyRef: 'passphrase' })).rejects.toThrow(/run "coffer join .* --remote /);
    } finally {
      await sb.cleanup();
    }
  });

  it('a device that may only read pulls and never commits its local changes', async () => {
    const { client: a, ...at } = await firstClient('file');
    track(a);
    await a.write('doc.txt', 'v1');
    await a.sync();
    const sb = await sandbox();
    const vault = await LocalVault.join(sb.env, { folder: sb.folder, remote: at.remote, keyRef: 'passphrase' });
    const reader = new VaultSyncer(vault, { canCommit: false });
    try {
      await reader.sync();
      await writeFile(join(sb.folder, 'doc.txt'), 'changed by a reader');
      await a.write('new.txt', 'from A');
      await a.sync();
      const r = await reader.sync();
      expect(r.committed).toBe(false);
      expect(r.warnings.join('\n')).toMatch(/reader role.*1 local changes were not committed/);
      expect((await vault.tree()).tree.get('doc.txt')?.size).toBe(2);
      expect(await a.read('doc.txt')).toBe('v1');
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(join(sb.folder, 'new.txt'), 'utf8')).toBe('from A');
      expect(await readFile(join(sb.folder, 'doc.txt'), 'utf8')).toBe('changed by a reader');
    } finally {
      await reader.close();
      await vault.close();
      await sb.cleanup();
    }
  });
});
