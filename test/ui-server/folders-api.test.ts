// Several folders over `coffer ui`'s HTTP protocol, on the real engine: list, select (the other commands
// then answer for that folder), add one while two run, refuse an overlapping one, and events tagged with
// the vault they are about.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { openMultiVaultHost, type MultiVaultHost } from '../../src-main/engine/use-cases/multi-vault-host.ts';
import { startUiServer, type UiServer } from '../../src-main/ui-server/server.ts';
import { TEST_KDF } from '../engine/harness.ts';
import { raw, sse } from './http-client.ts';

const PASSPHRASE = 'ui folders passphrase';
let root: string;
let host: MultiVaultHost;
let server: UiServer;
const ids: Record<string, string> = {};
const folders: Record<string, string> = {};
const saved = process.env.COFFER_PASSPHRASE;

const api = (command: string, body: unknown = {}) =>
  raw(server.port, {
    method: 'POST', path: `/api/${command}`, body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-coffer-token': server.token },
  });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'coffer-ui-folders-'));
  const home = join(root, 'home');
  for (const name of ['Documents', 'Photos']) {
    folders[name] = join(root, name);
    await mkdir(folders[name]);
    await writeFile(join(folders[name], `${name}.txt`), name);
    const { vault } = await LocalVault.init({ home, kdf: TEST_KDF, passphrase: async () => PASSPHRASE }, {
      folder: folders[name], remote: `file://${join(root, `remote-${name}`)}`, keyRef: 'passphrase',
    });
    ids[name] = vault.vaultId;
    await vault.close();
  }
  process.env.COFFER_PASSPHRASE = PASSPHRASE;
  host = await openMultiVaultHost({ stateDir: home });
  await mkdir(join(root, 'static'));
  await writeFile(join(root, 'static', 'index.html'), '<!doctype html><title>Coffer</title>');
  server = await startUiServer({ host, staticDir: join(root, 'static') });
});

afterAll(async () => {
  await server?.close();
  await host?.close();
  if (saved === undefined) delete process.env.COFFER_PASSPHRASE;
  else process.env.COFFER_PASSPHRASE = saved;
  await rm(root, { recursive: true, force: true });
});

describe('folders over HTTP', () => {
  it('lists the folders with their names and states, the first selected', async () => {
    const res = await api('folders');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual([
      { vaultId: ids.Documents, folder: folders.Documents, name: 'Documents', state: expect.stringMatching(/up-to-date|syncing/), selected: true },
      { vaultId: ids.Photos, folder: folders.Photos, name: 'Photos', state: expect.stringMatching(/up-to-date|syncing/), selected: false },
    ]);
  });

  it('selects a folder; status and settings then answer for it', async () => {
    const res = await api('selectFolder', { vaultId: ids.Photos });
    expect(res.status).toBe(200);
    expect((res.json() as { name: string; selected: boolean }[]).map((f) => [f.name, f.selected])).toEqual([['Documents', false], ['Photos', true]]);
    expect((await api('status')).json()).toMatchObject({ folder: folders.Photos, vaultId: ids.Photos });
    expect((await api('settings')).json()).toMatchObject({ folder: folders.Photos });
    await api('selectFolder', { vaultId: ids.Documents });
    expect((await api('status')).json()).toMatchObject({ folder: folders.Documents });
  });

  it.each([
    [{ vaultId: 'no-such-vault' }, /no folder with vault id no-such-vault/],
    [{}, /vaultId/],
    [{ vaultId: ids.Photos, extra: 1 }, /extra|unrecognized/i],
  ])('answers 400 to selectFolder %j', async (body, message) => {
    const res = await api('selectFolder', body);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid-request', message: expect.stringMatching(message) } });
  });

  it('tags each event with the vault it is about', async () => {
    const stream = sse(server.port, `/api/events?token=${server.token}`);
    expect(await stream.status).toBe(200);
    await api('selectFolder', { vaultId: ids.Photos });
    expect((await api('syncNow')).status).toBe(200);
    await api('selectFolder', { vaultId: ids.Documents });
    expect((await api('syncNow')).status).toBe(200);
    const seen = new Set<string>();
    for (let n = 1; seen.size < 2; n++) {
      const events = await stream.next(n) as { type: string; vaultId?: string }[];
      const last = events[n - 1]!;
      expect(last.vaultId, `event ${last.type} names its vault`).toMatch(/^[0-9a-f]+$/);
      seen.add(last.vaultId!);
    }
    expect(seen).toEqual(new Set([ids.Documents, ids.Photos]));
    stream.close();
  }, 20_000);

  it('adds a folder while two run and selects it; refuses one inside a protected folder', async () => {
    const inside = join(folders.Photos!, '2026');
    await mkdir(inside);
    const refused = await api('createVault', { folder: inside, remote: `file://${join(root, 'remote-x')}`, keyRef: 'passphrase', passphrase: PASSPHRASE });
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'invalid-request', message: expect.stringMatching(/ is inside .*Photos, which Coffer already protects/) } });

    const music = join(root, 'Music');
    await mkdir(music);
    const added = await api('createVault', { folder: music, remote: `file://${join(root, 'remote-Music')}`, keyRef: 'passphrase', passphrase: PASSPHRASE });
    expect(added.status).toBe(200);
    expect(added.json()).toMatchObject({ recoveryKey: expect.any(String) });
    const list = (await api('folders')).json() as { name: string; selected: boolean }[];
    expect(list.map((f) => [f.name, f.selected])).toEqual([['Documents', false], ['Photos', false], ['Music', true]]);
    expect((await api('status')).json()).toMatchObject({ folder: music });
  }, 20_000);
});
