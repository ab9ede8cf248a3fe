// A key reference the vault does not know, sent through `coffer ui`'s HTTP API to the real engine: the
// request is wrong, so the answer is a 400 with a plain message, never a 500.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import { startUiServer, type UiServer } from '../../src-main/ui-server/server.ts';
import type { EngineVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import { initVault, sandbox, type Sandbox } from '../engine/harness.ts';
import { raw } from './http-client.ts';

let sb: Sandbox;
let host: EngineVaultHost;
let server: UiServer;
const saved = process.env.COFFER_PASSPHRASE;

const api = (command: string, body: unknown) =>
  raw(server.port, {
    method: 'POST', path: `/api/${command}`, body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-coffer-token': server.token },
  });

beforeAll(async () => {
  sb = await sandbox('ui key ref passphrase');
  await writeFile(join(sb.folder, 'a.txt'), 'a');
  const { vault } = await initVault(sb, 'file');
  await vault.close();
  process.env.COFFER_PASSPHRASE = 'ui key ref passphrase';
  host = await openVaultHost({ stateDir: sb.home });
  const staticDir = join(sb.root, 'static');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html>');
  server = await startUiServer({ host, staticDir });
});

afterAll(async () => {
  await server?.close();
  await host?.close();
  if (saved === undefined) delete process.env.COFFER_PASSPHRASE;
  else process.env.COFFER_PASSPHRASE = saved;
  await sb?.cleanup();
});

describe('a foreign key reference through the HTTP API', () => {
  it.each([
    ['rotateKey', { ref: 'telepathy:mind' }, /unknown key reference "telepathy:mind"/],
    ['keyUsage', { ref: 'ftp://key' }, /unknown key reference "ftp:\/\/key"/],
    ['cancelKeyDeletion', { ref: 'keychain:someone-else' }, /this vault's key is passphrase, not keychain:someone-else/],
    ['scheduleKeyDeletion', { ref: 'aws-kms:alias/other', days: 7, force: false }, /this vault's key is passphrase, not aws-kms:alias\/other/],
  ])('%s %j is a 400 invalid-request', async (command, body, message) => {
    const res = await api(command, body);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid-request', message: expect.stringMatching(message) } });
  });

  it("the vault's own key reference still works", async () => {
    const res = await api('keyUsage', { ref: 'passphrase' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ref: 'passphrase' });
  });
});
