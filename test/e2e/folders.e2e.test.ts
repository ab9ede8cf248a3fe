// Several folders in Chromium: `coffer ui` (startUiServer over the real MultiVaultHost) with two vaults
// over local folder destinations; the header's switcher changes what the views show, "Add folder…" adds
// a third through the wizard, and a folder not shown keeps syncing in the background.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { openMultiVaultHost, type MultiVaultHost } from '../../src-main/engine/use-cases/multi-vault-host.ts';
import type { UiServer } from '../../src-main/ui-server/server.ts';
import { TEST_KDF } from '../engine/harness.ts';
import { browserSkipReason, until } from './browser.ts';
import { buildRenderer } from './renderer-build.ts';
import { closeUiSession, openUiSession } from './ui-session.ts';
import { keepForReadme, SHOTS } from './readme-shots.ts';

const PASSPHRASE = 'folders e2e passphrase';
const skip = browserSkipReason();

describe.skipIf(skip !== null)(`several folders in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let scratch: string;
  const folder: Record<string, string> = {};
  let host: MultiVaultHost;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);

  async function switchTo(name: string): Promise<void> {
    if ((await tid('folder-switcher-toggle').getAttribute('aria-expanded')) !== 'true') await tid('folder-switcher-toggle').click();
    await page.locator('[data-testid="folder-option"]', { hasText: name }).click();
    await until(`the header to show ${name}`, async () => (await tid('folder-switcher-toggle').textContent())?.includes(name) === true);
  }

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'coffer-e2e-folders-'));
    const home = path.join(scratch, 'state');
    for (const name of ['Documents', 'Photos']) {
      folder[name] = path.join(scratch, name);
      await mkdir(folder[name]);
      await writeFile(path.join(folder[name], `${name.toLowerCase()}.txt`), `${name}\n`);
      const { vault } = await LocalVault.init({ home, kdf: TEST_KDF, passphrase: async () => PASSPHRASE }, {
        folder: folder[name], remote: `file://${path.join(scratch, `remote-${name}`)}`, keyRef: 'passphrase',
      });
      await vault.close();
    }
    await mkdir(SHOTS, { recursive: true });
    const staticDir = buildRenderer(path.join(scratch, 'renderer'));
    host = await openMultiVaultHost({ stateDir: home, passphrase: async () => PASSPHRASE });
    ({ server, browser, page } = await openUiSession(host, staticDir, { viewport: { width: 1280, height: 800 } }));
  }, 120_000);

  afterAll(async () => {
    await closeUiSession({ browser, server, host, scratch });
  }, 60_000);

  it('switches folders from the header and adds a third with the wizard', async () => {
    await page.goto(server.url);
    await tid('view-dashboard').waitFor();
    expect(await tid('status-folder').textContent()).toBe(folder.Documents);
    await until('the switcher to show Documents', async () => (await tid('folder-switcher-toggle').textContent())?.includes('Documents') === true);

    await tid('folder-switcher-toggle').click();
    expect(await page.locator('[data-testid="folder-option"] .name').allTextContents()).toEqual(['Documents', 'Photos']);
    await page.screenshot({ path: path.join(SHOTS, 'folder-switcher.png') });
    await keepForReadme('folder-switcher');
    await switchTo('Photos');
    await until('the dashboard to show Photos', async () => (await tid('status-folder').textContent()) === folder.Photos);

    await tid('folder-switcher-toggle').click();
    await tid('folder-add').click();
    await tid('view-first-run').waitFor();
    const music = path.join(scratch, 'Music');
    await mkdir(music);
    await tid('wizard-folder').fill(music);
    await tid('wizard-next').click();
    await tid('dest-local').check();
    await tid('wizard-local-path').fill(path.join(scratch, 'remote-Music'));
    await tid('wizard-next').click();
    await tid('wizard-provider').selectOption('passphrase');
    await tid('wizard-passphrase').fill(PASSPHRASE);
    await tid('wizard-passphrase-again').fill(PASSPHRASE);
    await tid('wizard-create').click();
    await tid('recovery-kit').waitFor({ timeout: 30_000 });
    await tid('recovery-saved').check();
    await tid('wizard-finish').click();
    await until('the dashboard to show Music', async () => (await tid('status-folder').textContent()) === music);
    await tid('folder-switcher-toggle').click();
    expect(await page.locator('[data-testid="folder-option"] .name').allTextContents()).toEqual(['Documents', 'Photos', 'Music']);
    await tid('folder-switcher-toggle').click();

    // Documents keeps syncing while Music is shown: its history has the file written meanwhile.
    await writeFile(path.join(folder.Documents!, 'written-meanwhile.txt'), 'meanwhile\n');
    await switchTo('Documents');
    await tid('nav-history').click();
    await until('the new file in Documents\' history', async () => {
      await tid('nav-dashboard').click();
      await tid('nav-history').click();
      return page.locator('[data-testid="history-row"]', { hasText: 'written-meanwhile.txt' }).first().isVisible();
    });
    expect(await page.locator('[data-testid="history-row"]', { hasText: 'music' }).count()).toBe(0);
  }, 60_000);
});
