// axe-core over every view and state of `coffer ui` in Chromium, over the real engine and a local folder
// destination, in light and dark: the first-run wizard's steps (create and join), the recovery kit, the
// dashboard (up to date, paused, in error, at the desktop app's minimum size), history with the versions
// panel and an empty filter, keys with the deletion dialog and a pending deletion, settings, the provider view,
// the team view with the invite dialog (form and join code) and the removal dialog, and the unlock view of
// a vault that is locked at start (also with a wrong passphrase). Each test fails with every violation it
// found (rule, element, what is wrong), in both schemes.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import type { VaultHost } from '../../src-main/engine/ports/vault-service.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { FaultyStore, type FaultRule } from '../support/faulty-store.ts';
import { startUiServer, type UiServer } from '../../src-main/ui-server/server.ts';
import { axeViolations, installAxe } from './axe.ts';
import { browserSkipReason, launchChromium, until } from './browser.ts';
import { buildRenderer } from './renderer-build.ts';
import { closeUiSession } from './ui-session.ts';

const PASSPHRASE = 'correct horse battery staple';
const skip = browserSkipReason();

describe.skipIf(skip !== null)(`accessibility of coffer ui (axe-core)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let scratch: string;
  let folder: string;
  let remote: string;
  let staticDir: string;
  let host: VaultHost;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
  // Every store the engine opens shares one rule list: a fault added mid-test puts the dashboard in error.
  const faults: FaultRule[] = [];
  /** Every state checked, in order: the list a new view or dialog is added to. */
  const covered: string[] = [];
  let problems: string[] = [];

  async function check(where: string): Promise<void> {
    covered.push(where);
    problems.push(...await axeViolations(page, where));
  }
  /** Fails the current test with everything axe found in it, then starts the next one clean. */
  function expectNoViolations(): void {
    const found = problems;
    problems = [];
    if (found.length > 0) throw new Error(`axe-core found violations:\n${found.join('\n')}`);
  }

  /** Whether the element (a testid or a selector) is, or contains, the focused one (the tests compile without DOM types). */
  function holdsFocus(id: string): Promise<boolean> {
    return (/^[a-z-]+$/.test(id) ? tid(id) : page.locator(id)).evaluate((el) => {
      const node = el as unknown as { contains(other: unknown): boolean; ownerDocument: { activeElement: unknown } };
      return node.contains(node.ownerDocument.activeElement);
    });
  }

  function syncState(): Promise<string | null> {
    return tid('sync-state').first().getAttribute('data-state', { timeout: 1000 });
  }

  async function openPage(): Promise<void> {
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await installAxe(page);
    await page.goto(server.url);
  }

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'coffer-e2e-a11y-'));
    folder = path.join(scratch, 'Documents');
    remote = path.join(scratch, 'remote');
    await mkdir(folder);
    await mkdir(remote);
    await writeFile(path.join(folder, 'hello.txt'), 'hello, vault\n');
    staticDir = buildRenderer(path.join(scratch, 'renderer'));
    host = await openVaultHost({
      stateDir: path.join(scratch, 'state'), passphrase: async () => PASSPHRASE,
      wrapStore: (store: BlobStore) => new FaultyStore(store, { rules: faults }),
    });
    server = await startUiServer({ host, staticDir });
    browser = await launchChromium();
    await openPage();
  }, 240_000);

  afterAll(async () => {
    await closeUiSession({ browser, server, host, scratch });
    console.info(`axe-core checked ${covered.length} states in light and dark:\n  ${covered.join('\n  ')}`);
  }, 60_000);

  it('axe-core runs in the page and reports a known violation (so a clean result means something)', async () => {
    const probe = await browser.newPage();
    await installAxe(probe);
    await probe.goto('data:text/html,<html lang="en"><title>probe</title><main><button></button></main></html>');
    const found = await axeViolations(probe, 'probe');
    await probe.close();
    expect(found).toHaveLength(2); // light and dark
    expect(found[0]).toContain('button-name');
  });

  it('the first-run wizard, every step, creating and joining', async () => {
    await tid('view-first-run').waitFor();
    await check('first run: folder (create)');
    await tid('mode-join').check();
    await check('first run: folder (join)');
    await tid('wizard-folder').fill(folder);
    await tid('wizard-next').click();
    await tid('dest-code').check();
    await check('first run: destination (join code)');
    await tid('wizard-back').click();
    await tid('mode-create').check();
    await tid('wizard-next').click();
    await tid('dest-s3').check();
    await check('first run: destination (S3)');
    await tid('dest-local').check();
    await tid('wizard-local-path').fill(remote);
    await check('first run: destination (local folder)');
    await tid('wizard-next').click();
    await tid('wizard-provider').selectOption('passphrase');
    await tid('wizard-passphrase').fill(PASSPHRASE);
    await tid('wizard-passphrase-again').fill('not the same');
    await tid('wizard-create').click();
    await tid('wizard-error').waitFor();
    await check('first run: key (passphrase, with an error)');
    await tid('wizard-passphrase-again').fill(PASSPHRASE);
    await tid('wizard-create').click();
    await tid('recovery-kit').waitFor({ timeout: 60_000 });
    await check('first run: recovery kit');
    await tid('recovery-saved').check();
    await tid('wizard-finish').click();
    await tid('view-dashboard').waitFor();
    expectNoViolations();
  }, 90_000);

  it('the dashboard, history and the versions panel', async () => {
    await until('the dashboard to say Up to date', async () => (await syncState()) === 'up-to-date', 60_000);
    // "Up to date" can show before the first pass has written its history; the list is read when it opens.
    await until('the upload in the engine\'s history', async () =>
      (await host.service()!.history({ actions: ['upload'] })).entries.length > 0, 20_000).catch(async (err: unknown) => {
      throw new Error(`status ${JSON.stringify(await host.service()!.status())} history ${JSON.stringify(await host.service()!.history({}))}`, { cause: err });
    });
    await check('dashboard (up to date)');
    await tid('pause').click();
    await until('the dashboard to say Paused', async () => (await syncState()) === 'paused');
    await check('dashboard (paused)');
    await tid('resume').click();
    await until('the dashboard to leave Paused', async () => (await syncState()) !== 'paused');
    faults.push({ ops: ['put'] });
    await writeFile(path.join(folder, 'during-outage.txt'), 'this upload fails first\n');
    await until('the dashboard to show the error state', async () => {
      if ((await syncState()) === 'error') return true;
      const sync = tid('sync-now');
      if (await sync.isEnabled().catch(() => false)) await sync.click();
      return false;
    }, 30_000, 500);
    await check('dashboard (error, with failures)');
    faults.length = 0;
    await tid('view-dashboard').getByRole('button', { name: /^Retry/ }).first().click();
    await until('the dashboard to recover', async () => (await syncState()) === 'up-to-date', 30_000);
    // A narrow window (the desktop app's minimum size): the layout reflows, nothing overlaps its label.
    await page.setViewportSize({ width: 720, height: 520 });
    await check('dashboard (720 × 520)');
    await page.setViewportSize({ width: 1280, height: 860 });
    await tid('nav-history').click();
    await tid('history-row').first().waitFor({ timeout: 30_000 });
    await check('history');
    await tid('show-versions').first().click();
    await tid('version-row').first().waitFor();
    await check('history: versions panel');
    await tid('close-versions').click();
    // No conflicts in a one-device vault (errors there are: the outage above failed an upload).
    await tid('filter-conflicts').click();
    await until('the conflicts filter to apply', async () => (await tid('history-row').count()) === 0);
    await check('history: a filter with no entries');
    expectNoViolations();
  }, 90_000);

  it('keys with the deletion dialog, settings and the provider view', async () => {
    await tid('nav-keys').click();
    await tid('key-card').first().waitFor();
    // The view change moved focus to the view's heading and was announced.
    await until('the Keys view to be announced', async () => (await tid('announcer').textContent()) === 'Keys');
    expect(await holdsFocus('[data-testid="view-keys"] h1')).toBe(true);
    await tid('audit-verified').waitFor();
    await check('keys');
    await tid('schedule-deletion').first().click();
    await tid('usage-summary').waitFor({ timeout: 30_000 });
    await check('keys: deletion dialog');
    await tid('deletion-days').fill('7');
    await tid('force-deletion').check();
    // The vault's only key: its name (the folder's) is typed before the button enables.
    await tid('deletion-name').fill(path.basename(folder));
    await check('keys: deletion dialog, only key confirmed');
    await tid('confirm-deletion').click();
    await tid('cancel-deletion').waitFor({ timeout: 30_000 });
    await check('keys: pending deletion');
    await tid('cancel-deletion').click();
    await tid('schedule-deletion').waitFor({ timeout: 30_000 });
    // The Restore view: a snapshot's files, then the restore dialog over them.
    await tid('nav-restore').click();
    await tid('snapshot').first().click();
    await tid('snapshot-item').first().waitFor();
    await check('restore: a snapshot\'s files');
    await tid('snapshot-item').first().locator('[data-testid="select-item"]').check();
    await tid('restore-other').click();
    await tid('restore-dialog').waitFor();
    await check('restore: the restore dialog');
    await page.keyboard.press('Escape');
    await tid('restore-dialog').waitFor({ state: 'detached' });
    await tid('nav-settings').click();
    await tid('settings-form').waitFor();
    await check('settings');
    await tid('save-settings').click();
    await tid('settings-message').waitFor({ timeout: 30_000 });
    await check('settings: saved');
    await tid('nav-provider').click();
    await tid('provider-reveals').waitFor();
    await check('provider');
    expectNoViolations();
  }, 60_000);

  it('the team view with the invite and removal dialogs', async () => {
    await tid('nav-team').click();
    await tid('members').waitFor();
    await check('team');
    // With the real keyboard: the dialog is modal, Tab stays inside it, Escape closes it, focus comes back.
    await tid('invite-open').focus();
    await page.keyboard.press('Enter');
    await tid('invite-form').waitFor();
    expect(await tid('invite-dialog').evaluate((el) => (el as unknown as { matches(s: string): boolean }).matches(':modal'))).toBe(true);
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    expect(await holdsFocus('invite-dialog')).toBe(true);
    await page.keyboard.press('Escape');
    await until('the invite dialog to close', async () => (await tid('invite-dialog').count()) === 0);
    expect(await holdsFocus('invite-open')).toBe(true);
    await tid('invite-open').click();
    await tid('invite-form').waitFor();
    await check('team: invite dialog (form)');
    await tid('invite-name').fill('Bea');
    await tid('invite-send').click();
    await tid('join-code').waitFor({ timeout: 30_000 });
    // The form that held focus is gone: focus is still in the dialog (on its new heading), not on <body>.
    await until('focus on the join code\'s heading', async () => holdsFocus('#invite-title'));
    await check('team: invite dialog (join code)');
    await tid('invite-done').click();
    const bea = page.locator('[data-testid="member-row"][data-member="Bea"]');
    await bea.waitFor();
    await check('team: with an invited member');
    await bea.locator('[data-testid="remove-member"]').click();
    await tid('removal-dialog').waitFor();
    await check('team: removal dialog');
    await tid('removal-cancel').click();
    expectNoViolations();
  }, 60_000);

  it('the unlock view of a vault locked at start, also after a wrong passphrase', async () => {
    await page.close();
    await server.close();
    await host.close();
    // Opened without a passphrase, as the desktop app is after launch at login: the vault is locked.
    const locked = await openVaultHost({ stateDir: path.join(scratch, 'state') });
    host = locked;
    expect(locked.isLocked()).toBe(true);
    server = await startUiServer({ host, staticDir });
    await openPage();
    await tid('view-unlock').waitFor();
    await check('unlock');
    await tid('unlock-passphrase').fill('wrong passphrase');
    await tid('unlock-submit').click();
    await tid('unlock-error').waitFor({ timeout: 30_000 });
    await check('unlock: wrong passphrase');
    expectNoViolations();
  }, 60_000);
});
