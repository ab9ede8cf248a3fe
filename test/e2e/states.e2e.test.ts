// Chromium drives `coffer ui` (startUiServer over the real engine and a local folder destination) through
// the states where Coffer is not syncing: started with the destination missing (the state says what to
// do, then the app recovers on its own when the folder is back: a fake clock drives the backoff, so
// nothing sleeps), and a passphrase vault locked at start, unlocked from the page with the recovery key.
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineVaultHost, PassphraseRequiredError } from '../../src-main/engine/use-cases/vault-host.ts';
import { OPEN_BACKOFF_MS } from '../../src-main/engine/use-cases/open-retry.ts';
import { startUiServer, type UiServer } from '../../src-main/ui-server/server.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { browserSkipReason, launchChromium, until } from './browser.ts';
import { buildRenderer } from './renderer-build.ts';
import { keepForReadme, SHOTS } from './readme-shots.ts';

const PASSPHRASE = 'four unrelated words here';
const TEST_KDF = { N: 1024, r: 8, p: 1 };
const skip = browserSkipReason();

describe.skipIf(skip !== null)(`coffer ui states in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let scratch: string;
  let home: string;
  let folder: string;
  let remote: string;
  let staticDir: string;
  let recoveryKey: string;
  let browser: Browser;
  let page: Page;
  const running: { host: EngineVaultHost; server: UiServer }[] = [];
  const savedPassphrase = process.env.COFFER_PASSPHRASE;
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
  const syncState = () => tid('sync-state').first().getAttribute('data-state', { timeout: 1000 });

  async function serve(host: EngineVaultHost): Promise<UiServer> {
    const server = await startUiServer({ host, staticDir });
    running.push({ host, server });
    return server;
  }

  beforeAll(async () => {
    delete process.env.COFFER_PASSPHRASE;
    scratch = await mkdtemp(path.join(tmpdir(), 'coffer-e2e-states-'));
    home = path.join(scratch, 'state');
    folder = path.join(scratch, 'Documents');
    // A space, as disk labels have one.
    remote = path.join(scratch, 'USB disk');
    await mkdir(folder);
    await mkdir(remote);
    await mkdir(SHOTS, { recursive: true });
    await writeFile(path.join(folder, 'letter.txt'), 'dear vault\n');
    await writeFile(path.join(folder, 'notes.md'), '# notes\n'.repeat(100));
    staticDir = buildRenderer(path.join(scratch, 'renderer'));
    const setup = new EngineVaultHost({ home, kdf: TEST_KDF });
    ({ recoveryKey } = await setup.createVault({ folder, remote: `file://${remote}`, keyRef: 'passphrase', passphrase: PASSPHRASE }));
    await setup.service()!.syncNow();
    await setup.close();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    for (const { host, server } of running) {
      await server.close();
      await host.close();
    }
    if (savedPassphrase !== undefined) process.env.COFFER_PASSPHRASE = savedPassphrase;
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 60_000);

  it('starts with the destination missing, says what to do, and recovers on its own when the folder is back', async () => {
    await rename(remote, `${remote}.unplugged`);
    const clock = new FakeClock(Date.now());
    const host = new EngineVaultHost({ home, clock, kdf: TEST_KDF, passphrase: async () => PASSPHRASE });
    await host.openExisting();
    const server = await serve(host);
    await page.goto(server.url);
    await tid('error-state').waitFor();
    expect(await syncState()).toBe('error');
    expect(await tid('error-state').getAttribute('data-code')).toBe('destination-missing');
    expect(await tid('error-next-step').textContent()).toContain(`Plug in the disk at ${remote}`);
    expect(await tid('status-totals').textContent()).toMatch(/^2 files · /);
    expect(await page.textContent('body')).not.toContain('No failures');
    expect(await page.textContent('body')).not.toContain('No uploads yet');
    expect(await tid('view-dashboard').getByRole('button', { name: 'Retry' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-destination-missing.png'), fullPage: true });
    await keepForReadme('dashboard-destination-missing');

    // Retry while the disk is still away: the state stays, with one message.
    await tid('retry-sync').click();
    await until('Retry to finish', async () => (await tid('retry-sync').isEnabled()));
    expect(await syncState()).toBe('error');

    // The disk is plugged in again; the next automatic try (on the fake clock) opens the vault.
    await rename(`${remote}.unplugged`, remote);
    clock.advance(OPEN_BACKOFF_MS.at(-1)!);
    await until('the page to show the vault up to date', async () => (await syncState()) === 'up-to-date');
    expect(await tid('error-state').count()).toBe(0);
    await writeFile(path.join(folder, 'after.txt'), 'stored once the disk was back\n');
    await tid('sync-now').click();
    await until('the new file to be counted', async () => /^3 files · /.test((await tid('status-totals').textContent()) ?? ''));
    await running.pop()!.server.close();
    await host.close();
  }, 120_000);

  it('a passphrase vault locked at start is unlocked from the page with the recovery key', async () => {
    const host = new EngineVaultHost({
      home, kdf: TEST_KDF, passphrase: async () => { throw new PassphraseRequiredError('this vault needs its passphrase'); },
    });
    await host.openExisting();
    expect(host.isLocked()).toBe(true);
    const server = await serve(host);
    await page.goto(server.url);
    await tid('view-unlock').waitFor();
    await page.getByRole('button', { name: 'Use the recovery key' }).click();
    await page.getByLabel('Recovery key').fill(`${recoveryKey.slice(0, -2)}xx`);
    await tid('unlock-submit').click();
    await tid('unlock-error').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'unlock-recovery-key.png'), fullPage: true });
    await keepForReadme('unlock-recovery-key');
    await page.getByLabel('Recovery key').fill(recoveryKey);
    await tid('unlock-submit').click();
    await tid('view-dashboard').waitFor();
    await until('the dashboard to show the vault', async () => (await tid('status-folder').textContent()) === folder);
    expect(host.isLocked()).toBe(false);
    expect(await page.textContent('body')).not.toContain(recoveryKey);
  }, 120_000);
});
