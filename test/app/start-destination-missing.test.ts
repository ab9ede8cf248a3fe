// The app's engine started while its folder destination is away (an unplugged USB disk): `coffer ui` and
// the desktop app start anyway, say what to do, try again on their own with backoff (a fake clock drives
// it, so nothing sleeps), and are back to normal once the disk is there again.
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineVaultHost, openVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import { OPEN_BACKOFF_MS } from '../../src-main/engine/use-cases/open-retry.ts';
import type { VaultStatus } from '../../src-main/engine/ports/vault-service.ts';
import { startUiServer, type UiServer } from '../../src-main/ui-server/server.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { raw, sse } from '../ui-server/http-client.ts';

const PASSPHRASE = 'disk in the drawer';
const TEST_KDF = { N: 1024, r: 8, p: 1 };

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

describe('started with the folder destination missing', () => {
  let root: string;
  let home: string;
  let folder: string;
  let remote: string;
  let host: EngineVaultHost;
  let server: UiServer;
  const clock = new FakeClock(Date.parse('2026-12-02T10:00:00Z'));

  const api = (command: string, body: unknown = {}) => raw(server.port, {
    method: 'POST', path: `/api/${command}`, body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-coffer-token': server.token },
  });

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'coffer-dest-missing-'));
    home = path.join(root, 'state');
    folder = path.join(root, 'Documents');
    remote = path.join(root, 'USB disk'); // a space, as disk labels have: the scrubber keeps such paths whole
    await mkdir(folder);
    await mkdir(remote);
    await writeFile(path.join(folder, 'a.txt'), 'alpha');
    await writeFile(path.join(folder, 'b.txt'), 'bravo!');
    const first = await openVaultHost({ stateDir: home, passphrase: async () => PASSPHRASE });
    await first.createVault({ folder, remote: `file://${remote}`, keyRef: 'passphrase', passphrase: PASSPHRASE });
    await first.service()!.syncNow();
    expect(await first.service()!.status()).toMatchObject({ files: 2, state: 'up-to-date' });
    await first.close();
    // The disk is unplugged: the folder is gone.
    await rename(remote, `${remote}.unplugged`);
    host = new EngineVaultHost({ home, clock, kdf: TEST_KDF, passphrase: async () => PASSPHRASE });
    await host.openExisting();
    server = await startUiServer({ host, staticDir: root, token: 'x'.repeat(32) });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await host?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('starts, and its status says the disk is missing, what the vault holds, and when it tries again', async () => {
    expect(host.service()).toBeNull();
    const res = await api('status');
    expect(res.status).toBe(200);
    const status = res.json() as VaultStatus;
    expect(status).toMatchObject({
      state: 'error', errorCode: 'destination-missing', folder, remote: `file://${remote}`, files: 2, bytes: 11, totalsFromCache: true,
      nextRetry: new Date(clock.now() + OPEN_BACKOFF_MS[0]!).toISOString(),
    });
    expect(status.error).toContain(remote);
    expect(status.lastSync).toBeTruthy();
    // Other views cannot work without the vault: they answer the same store error, not "not set up".
    const history = await api('history', { limit: 5 });
    expect(history.status).toBe(502);
    expect(history.json()).toMatchObject({ error: { code: 'store-error', message: expect.stringContaining(remote) } });
  });

  it('backs off on its clock; an empty folder (a mount point without its disk) is still missing', async () => {
    await mkdir(remote);
    const events = sse(server.port, `/api/events?token=${server.token}`);
    expect(await events.status).toBe(200);
    clock.advance(OPEN_BACKOFF_MS[0]!);
    const [event] = await events.next(1);
    events.close();
    expect(event).toMatchObject({ type: 'status', status: { state: 'error', errorCode: 'destination-missing', files: 2 } });
    // The second wait is longer than the first.
    const next = Date.parse((event as { status: VaultStatus }).status.nextRetry!);
    expect(next - clock.now()).toBe(OPEN_BACKOFF_MS[1]);
    expect(host.service()).toBeNull();
    await rm(remote, { recursive: true });
  });

  it('Retry tries at once and answers why it still cannot', async () => {
    const before = (await api('status')).json() as VaultStatus;
    const res = await api('syncNow');
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ error: { code: 'store-error', message: expect.stringContaining(remote) } });
    const after = (await api('status')).json() as VaultStatus;
    expect(Date.parse(after.nextRetry!)).toBeGreaterThan(Date.parse(before.nextRetry!) - 1);
  });

  it('opens the vault on its own when the disk is back, and syncs normally', async () => {
    await rename(`${remote}.unplugged`, remote);
    const events = sse(server.port, `/api/events?token=${server.token}`);
    expect(await events.status).toBe(200);
    clock.advance(OPEN_BACKOFF_MS.at(-1)!);
    await until('the host opened the vault', () => host.service() !== null);
    // The opened vault's first pass may send progress events first: take the first status event.
    let event: unknown;
    for (let n = 1; !event; n++) event = (await events.next(n)).find((e) => (e as { type: string }).type === 'status');
    events.close();
    expect(event).toMatchObject({ type: 'status', status: { folder } });
    expect((event as { status: VaultStatus }).status.errorCode).toBeUndefined();
    await writeFile(path.join(folder, 'c.txt'), 'charlie');
    const synced = await api('syncNow');
    expect(synced.status).toBe(200);
    // The start pass may have stored c.txt already; either way the vault holds it now.
    expect(synced.json()).toMatchObject({ errors: 0, state: 'up-to-date' });
    const status = (await api('status')).json() as VaultStatus;
    expect(status).toMatchObject({ state: 'up-to-date', files: 3 });
    expect(status.nextRetry).toBeUndefined();
    expect(status.totalsFromCache).toBeUndefined();
  });
});
