// Several folders in one app: every registered vault syncs in the background at once, the selected one
// answers the commands, a third is added while two run, overlapping folders are refused, and one vault
// that cannot open (or is locked) leaves the others syncing. Real vaults over folder destinations.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { openMultiVaultHost, type MultiVaultHost } from '../../src-main/engine/use-cases/multi-vault-host.ts';
import { VaultRegistry } from '../../src-main/engine/vault/registry.ts';
import { createDispatcher, type Dispatch } from '../../src-main/ipc/dispatch.ts';
import type { VaultEvent } from '../../src-main/engine/ports/vault-service.ts';
import { TEST_KDF, until } from './harness.ts';

interface Setup {
  root: string;
  home: string;
  a: string;
  b: string;
  ids: { a: string; b: string };
}

/** Two vaults, each with one file, registered in one state home (as `coffer init` twice would). */
async function twoVaults(passphrases = { a: 'passphrase of a', b: 'passphrase of b' }): Promise<Setup> {
  const root = await mkdtemp(join(tmpdir(), 'coffer-multi-'));
  const home = join(root, 'home');
  const a = join(root, 'work', 'a');
  const b = join(root, 'b');
  const ids = { a: '', b: '' };
  for (const [k, folder] of [['a', a], ['b', b]] as const) {
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `${k}-first.txt`), `first file of ${k}`);
    const { vault } = await LocalVault.init({ home, kdf: TEST_KDF, passphrase: async () => passphrases[k] }, {
      folder, remote: `file://${join(root, `remote-${k}`)}`, keyRef: 'passphrase',
    });
    ids[k] = vault.vaultId;
    await vault.close();
  }
  return { root, home, a, b, ids };
}

async function call(dispatch: Dispatch, command: string, payload: unknown = {}): Promise<unknown> {
  const env = await dispatch(command, payload);
  if (!env.ok) throw new Error(`${command}: ${env.error.code}: ${env.error.message}`);
  return env.value;
}

async function statusOf(dispatch: Dispatch, vaultId: string): Promise<{ folder: string; files: number; state: string }> {
  await call(dispatch, 'selectFolder', { vaultId });
  return call(dispatch, 'status') as Promise<{ folder: string; files: number; state: string }>;
}

describe('an app host with several folders', () => {
  let s: Setup;
  let host: MultiVaultHost | null = null;
  const saved = process.env.COFFER_PASSPHRASE;
  beforeEach(() => {
    delete process.env.COFFER_PASSPHRASE;
  });
  afterEach(async () => {
    await host?.close();
    host = null;
    if (saved === undefined) delete process.env.COFFER_PASSPHRASE;
    else process.env.COFFER_PASSPHRASE = saved;
    await rm(s.root, { recursive: true, force: true });
  });

  it('syncs both folders in the background, answers for the selected one, and adds a third while they run', async () => {
    s = await twoVaults({ a: 'one passphrase', b: 'one passphrase' });
    process.env.COFFER_PASSPHRASE = 'one passphrase';
    host = await openMultiVaultHost({ stateDir: s.home });
    const events: VaultEvent[] = [];
    host.subscribe((e) => events.push(e));
    const dispatch = createDispatcher({ host });

    expect(await call(dispatch, 'folders')).toEqual([
      { vaultId: s.ids.a, folder: s.a, name: 'a', state: expect.any(String), selected: true },
      { vaultId: s.ids.b, folder: s.b, name: 'b', state: expect.any(String), selected: false },
    ]);

    // Written while both run: each folder's watcher and runner pick up its own file.
    await writeFile(join(s.a, 'a-second.txt'), 'second file of a');
    await writeFile(join(s.b, 'b-second.txt'), 'second file of b');
    await until(async () => (await statusOf(dispatch, s.ids.a)).files === 2, 'folder a to store its new file');
    await until(async () => (await statusOf(dispatch, s.ids.b)).files === 2, 'folder b to store its new file');
    // Each vault's events carry its id, so the UI shows the selected one's and the tray all of them.
    expect(new Set(events.filter((e) => e.type === 'status').map((e) => e.vaultId))).toEqual(new Set([s.ids.a, s.ids.b]));

    // Selecting switches what status and history answer.
    expect(await statusOf(dispatch, s.ids.a)).toMatchObject({ folder: s.a });
    const pathsIn = async () => ((await call(dispatch, 'history', { limit: 50 })) as { entries: { path?: string }[] }).entries.map((e) => e.path ?? '');
    // The pass commits, then writes its history lines.
    await until(async () => (await pathsIn()).includes('a-second.txt'), 'the history of folder a');
    const historyA = { entries: (await pathsIn()).map((path) => ({ path })) };
    expect(historyA.entries.map((e) => e.path).filter(Boolean)).toEqual(expect.arrayContaining(['a-first.txt', 'a-second.txt']));
    expect(historyA.entries.some((e) => e.path?.startsWith('b-'))).toBe(false);
    expect(await statusOf(dispatch, s.ids.b)).toMatchObject({ folder: s.b });
    await until(async () => (await pathsIn()).includes('b-second.txt'), 'the history of folder b');
    const historyB = { entries: (await pathsIn()).map((path) => ({ path })) };
    expect(historyB.entries.some((e) => e.path?.startsWith('a-'))).toBe(false);
    expect(historyB.entries.map((e) => e.path)).toContain('b-second.txt');

    // "Add folder…": createVault while two vaults run adds a third, selected, syncing on its own.
    const c = join(s.root, 'c');
    await mkdir(c);
    await writeFile(join(c, 'c-first.txt'), 'first file of c');
    const created = await call(dispatch, 'createVault', { folder: c, remote: `file://${join(s.root, 'remote-c')}`, keyRef: 'passphrase', passphrase: 'one passphrase' });
    expect(created).toMatchObject({ recoveryKey: expect.any(String) });
    const folders = await call(dispatch, 'folders') as { folder: string; name: string; selected: boolean }[];
    expect(folders.map((f) => [f.name, f.selected])).toEqual([['a', false], ['b', false], ['c', true]]);
    await until(async () => ((await call(dispatch, 'status')) as { files: number }).files === 1, 'folder c to store its file');
    expect(await call(dispatch, 'status')).toMatchObject({ folder: c });
    expect((await new VaultRegistry(s.home).list()).map((v) => v.folder)).toEqual([s.a, s.b, c]);

    // The first two kept syncing meanwhile.
    await writeFile(join(s.a, 'a-third.txt'), 'third file of a');
    await until(async () => (await statusOf(dispatch, s.ids.a)).files === 3, 'folder a to keep syncing');
  }, 60_000);

  it('refuses a folder that is, holds or lies inside a protected one, and a destination inside one, writing nothing', async () => {
    s = await twoVaults({ a: 'one passphrase', b: 'one passphrase' });
    process.env.COFFER_PASSPHRASE = 'one passphrase';
    host = await openMultiVaultHost({ stateDir: s.home });
    const dispatch = createDispatcher({ host });
    const inside = join(s.a, 'sub');
    await mkdir(inside);
    const fresh = join(s.root, 'fresh');
    await mkdir(fresh);
    const remote = `file://${join(s.root, 'remote-new')}`;
    const attempts: [unknown, RegExp][] = [
      [{ folder: s.a, remote, keyRef: 'passphrase', passphrase: 'x'.repeat(12) }, /a is already protected by Coffer/],
      [{ folder: `${s.b}/`, remote, keyRef: 'passphrase', passphrase: 'x'.repeat(12) }, /b is already protected by Coffer/],
      [{ folder: inside, remote, keyRef: 'passphrase', passphrase: 'x'.repeat(12) }, /sub is inside .*work\/a, which Coffer already protects/],
      [{ folder: join(s.root, 'work'), remote, keyRef: 'passphrase', passphrase: 'x'.repeat(12) }, /work holds .*work\/a, which Coffer already protects as its own vault/],
      [{ folder: fresh, remote: `file://${join(s.b, 'backup')}`, keyRef: 'passphrase', passphrase: 'x'.repeat(12) }, /the destination .*b\/backup is inside .*b, a folder Coffer protects/],
      [{ folder: fresh, remote: `file://${join(fresh, 'backup')}`, keyRef: 'passphrase', passphrase: 'x'.repeat(12) }, /the destination .*fresh\/backup is inside .*fresh/],
    ];
    for (const [req, message] of attempts) {
      expect(await dispatch('createVault', req)).toEqual({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(message) } });
    }
    expect(await dispatch('joinVault', { folder: inside, remote: `file://${join(s.root, 'remote-b')}`, keyRef: 'passphrase', passphrase: 'one passphrase' }))
      .toEqual({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/sub is inside/) } });
    expect((await new VaultRegistry(s.home).list()).length).toBe(2);
    expect(await readdir(s.root)).not.toContain('remote-new');
    expect((await call(dispatch, 'folders') as unknown[]).length).toBe(2);
  }, 60_000);

  it('keeps the others syncing when one vault cannot open', async () => {
    s = await twoVaults({ a: 'one passphrase', b: 'one passphrase' });
    process.env.COFFER_PASSPHRASE = 'one passphrase';
    // b's destination is gone (an unplugged disk) when the app starts.
    await rm(join(s.root, 'remote-b'), { recursive: true });
    host = await openMultiVaultHost({ stateDir: s.home });
    const dispatch = createDispatcher({ host });
    const folders = async () => call(dispatch, 'folders') as Promise<{ name: string; state: string; error?: string }[]>;
    await until(async () => (await folders()).find((f) => f.name === 'b')?.state === 'error', 'folder b to report its error');
    expect((await folders()).find((f) => f.name === 'b')?.error).toMatch(/remote-b/);

    await writeFile(join(s.a, 'a-second.txt'), 'second file of a');
    await until(async () => (await statusOf(dispatch, s.ids.a)).files === 2, 'folder a to sync beside the broken b');

    // Selecting b answers with b's own failure: not a's status, nor "set up a vault".
    await call(dispatch, 'selectFolder', { vaultId: s.ids.b });
    const statusB = await dispatch('status', {});
    expect(statusB.ok ? (statusB.value as { state: string }).state : statusB.error.code).toMatch(/^(error|store-error|internal)$/);
    await writeFile(join(s.a, 'a-third.txt'), 'third file of a');
    await until(async () => (await statusOf(dispatch, s.ids.a)).files === 3, 'folder a to keep syncing while b is selected');
  }, 60_000);

  it('keeps each vault locked or unlocked on its own', async () => {
    s = await twoVaults();
    host = await openMultiVaultHost({ stateDir: s.home });
    const dispatch = createDispatcher({ host });
    const states = async () => Object.fromEntries((await call(dispatch, 'folders') as { name: string; state: string }[]).map((f) => [f.name, f.state]));
    expect(await states()).toEqual({ a: 'locked', b: 'locked' });
    expect(await dispatch('status', {})).toMatchObject({ ok: false, error: { code: 'key-unavailable' } });

    // Unlocking the selected vault opens it alone; b stays locked, a syncs.
    expect(await dispatch('unlock', { passphrase: 'passphrase of a' })).toEqual({ ok: true, value: undefined });
    await writeFile(join(s.a, 'a-second.txt'), 'second file of a');
    await until(async () => ((await call(dispatch, 'status')) as { files: number }).files === 2, 'folder a to sync after unlock');
    expect(await states()).toMatchObject({ a: expect.stringMatching(/up-to-date|syncing/), b: 'locked' });

    await call(dispatch, 'selectFolder', { vaultId: s.ids.b });
    expect(await dispatch('status', {})).toMatchObject({ ok: false, error: { code: 'key-unavailable' } });
    expect(await dispatch('unlock', { passphrase: 'passphrase of a' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/wrong passphrase/i) } });
    expect(await dispatch('unlock', { passphrase: 'passphrase of b' })).toEqual({ ok: true, value: undefined });
    await until(async () => ((await call(dispatch, 'status')) as { files: number }).files === 1, 'folder b to sync after its own unlock');
    expect(await call(dispatch, 'status')).toMatchObject({ folder: s.b });
    expect(await states()).toEqual({ a: expect.not.stringMatching(/locked/), b: expect.not.stringMatching(/locked/) });
  }, 60_000);
});
