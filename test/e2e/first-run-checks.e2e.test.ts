// The first-run wizard in Chromium over `coffer ui` and the real engine: the folder is checked at its
// step, a destination nothing answers at is refused before anything is created, and the recovery kit
// names the vault and downloads as a file.
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import type { VaultHost } from '../../src-main/engine/ports/vault-service.ts';
import type { UiServer } from '../../src-main/ui-server/server.ts';
import { browserSkipReason } from './browser.ts';
import { buildRenderer } from './renderer-build.ts';
import { closeUiSession, openUiSession } from './ui-session.ts';

const PASSPHRASE = 'correct horse battery staple';
const skip = browserSkipReason();

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe.skipIf(skip !== null)(`the first-run checks in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let scratch: string;
  let folder: string;
  let host: VaultHost;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'coffer-e2e-checks-'));
    folder = path.join(scratch, 'Photos');
    await mkdir(folder);
    await writeFile(path.join(folder, 'a.txt'), 'alpha\n');
    const staticDir = buildRenderer(path.join(scratch, 'renderer'));
    host = await openVaultHost({ stateDir: path.join(scratch, 'state'), passphrase: async () => PASSPHRASE });
    ({ server, browser, page } = await openUiSession(host, staticDir, { viewport: { width: 900, height: 700 }, acceptDownloads: true }));
  }, 240_000);

  afterAll(async () => {
    await closeUiSession({ browser, server, host, scratch });
  }, 60_000);

  it('checks the folder at its own step', async () => {
    await page.goto(server.url);
    await tid('view-first-run').waitFor();
    await tid('wizard-folder').fill(path.join(scratch, 'missing'));
    await tid('wizard-next').click();
    await tid('wizard-error').waitFor();
    expect(await tid('wizard-error').textContent()).toBe(`${path.join(scratch, 'missing')} does not exist. Create the folder first, or choose another.`);
    // A browser has no file dialog: no Choose… button.
    expect(await tid('pick-folder').count()).toBe(0);
    await tid('wizard-folder').fill(folder);
    await tid('wizard-next').click();
    await tid('wizard-folder-checked').waitFor();
    expect(await tid('wizard-folder-checked').textContent()).toContain(folder);
  }, 60_000);

  it('refuses an S3 endpoint nothing answers at, before anything is created', async () => {
    const port = await closedPort();
    await tid('dest-s3').check();
    await tid('wizard-bucket').fill('coffer-nowhere');
    await tid('wizard-endpoint').fill(`http://127.0.0.1:${port}`);
    await tid('wizard-region').fill('eu-central-1');
    await tid('creds-keys').check();
    await tid('wizard-access-key-id').fill('AKIDEXAMPLE');
    await tid('wizard-secret-key').fill('not-a-real-secret');
    await tid('wizard-next').click();
    await page.locator('[data-testid="connection-result"].error-text').waitFor({ timeout: 30_000 });
    expect(await tid('connection-result').textContent()).toContain(`Could not reach http://127.0.0.1:${port}`);
    expect(await tid('wizard-create').count()).toBe(0);
    expect(host.service()).toBeNull();
    expect(await page.content()).not.toContain('not-a-real-secret');
  }, 60_000);

  it('creates the vault on a folder destination that passed the test, and downloads the recovery kit', async () => {
    const dest = path.join(scratch, 'usb', 'coffer');
    await tid('dest-local').check();
    await tid('wizard-local-path').fill(dest);
    await tid('test-connection').click();
    await page.locator('[data-testid="connection-result"].ok').waitFor({ timeout: 30_000 });
    expect(await readdir(scratch)).not.toContain('usb');
    await tid('wizard-next').click();
    await tid('wizard-provider').selectOption('passphrase');
    await tid('wizard-passphrase').fill(PASSPHRASE);
    await tid('wizard-passphrase-again').fill(PASSPHRASE);
    await tid('wizard-create').click();
    await tid('recovery-kit').waitFor({ timeout: 60_000 });
    const status = await host.service()!.status();
    expect(await tid('kit-vault-id').textContent()).toBe(status.vaultId);
    expect(await tid('kit-remote').textContent()).toBe(`file://${dest}`);
    const key = (await tid('recovery-key').textContent())!.trim();
    const [download] = await Promise.all([page.waitForEvent('download'), tid('kit-save').click()]);
    expect(download.suggestedFilename()).toBe('coffer-recovery-kit.txt');
    const saved = path.join(scratch, 'kit.txt');
    await download.saveAs(saved);
    const text = await readFile(saved, 'utf8');
    expect(/^recovery key:\s*(\S+)/m.exec(text)?.[1]).toBe(key);
    expect(text).toContain(`vault:        ${status.vaultId}`);
    await tid('recovery-saved').check();
    await tid('wizard-finish').click();
    await tid('view-dashboard').waitFor();
  }, 120_000);
});
