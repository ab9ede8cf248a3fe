// The Restore view in Chromium, over `coffer ui` and the real engine, on a local folder destination: a
// folder restored from an older snapshot to its original location (overwriting the newer version and
// putting back a file deleted since) and into another folder, each checked byte for byte on disk; and
// the versions panel in view at 1280×800, 900×700 and Electron's minimum window size. restore.png goes to
// test-artifacts/screenshots/, and to docs/screenshots/ for the README when COFFER_UPDATE_SCREENSHOTS=1.
import { copyFile, mkdir, mkdtemp, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import type { VaultHost, VaultService } from '../../src-main/engine/ports/vault-service.ts';
import type { UiServer } from '../../src-main/ui-server/server.ts';
import { browserSkipReason, until } from './browser.ts';
import { buildRenderer } from './renderer-build.ts';
import { closeUiSession, openUiSession } from './ui-session.ts';

const SHOTS = path.resolve('test-artifacts', 'screenshots');
const DOC_SHOTS = path.resolve('docs', 'screenshots');
const PASSPHRASE = 'correct horse battery staple';
const skip = browserSkipReason();

describe.skipIf(skip !== null)(`Restore view in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let scratch: string;
  let folder: string;
  let host: VaultHost;
  let service: VaultService;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
  const item = (p: string) => page.locator(`[data-testid="snapshot-item"][data-path="${p}"]`);
  const read = (...parts: string[]) => readFile(path.join(...parts), 'utf8');

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'coffer-e2e-restore-'));
    folder = path.join(scratch, 'Documents');
    await mkdir(path.join(folder, 'letters', 'old'), { recursive: true });
    await writeFile(path.join(folder, 'letters', 'hello.txt'), 'hello, first draft\n');
    await writeFile(path.join(folder, 'letters', 'old', 'aunt.txt'), 'dear aunt\n');
    await writeFile(path.join(folder, 'plan.md'), '# plan\n');
    const remote = path.join(scratch, 'remote');
    await mkdir(remote);
    const staticDir = buildRenderer(path.join(scratch, 'renderer'));
    host = await openVaultHost({ stateDir: path.join(scratch, 'state'), passphrase: async () => PASSPHRASE });
    ({ service } = await host.createVault({ folder, remote: `file://${remote}`, keyRef: 'passphrase', passphrase: PASSPHRASE }));
    await until('the first snapshot', async () => (await service.snapshots({})).snapshots.length >= 1 && (await service.status()).files === 3, 60_000);
    // The newer snapshot: hello.txt edited, aunt.txt deleted.
    await writeFile(path.join(folder, 'letters', 'hello.txt'), 'hello, second draft, much later\n');
    await unlink(path.join(folder, 'letters', 'old', 'aunt.txt'));
    await until('the newer snapshot', async () => (await service.snapshots({ limit: 1 })).snapshots[0]?.files === 2, 60_000);
    await mkdir(SHOTS, { recursive: true });
    ({ server, browser, page } = await openUiSession(host, staticDir, { viewport: { width: 1280, height: 800 } }));
    await page.goto(server.url);
    await tid('nav-restore').click();
  }, 240_000);

  afterAll(async () => {
    await closeUiSession({ browser, server, host, scratch });
  }, 60_000);

  /** Chooses the oldest snapshot listed and ticks `letters` at its top. */
  async function chooseLettersInOldest(): Promise<void> {
    await tid('snapshot').last().click();
    await item('letters').waitFor();
    await item('letters').locator('[data-testid="select-item"]').check();
    await expect(tid('selected-count').textContent()).resolves.toBe('1 selected');
  }

  it('restores a folder from an older snapshot to its original location, with the file deleted since', async () => {
    await until('two snapshots listed', async () => (await tid('snapshot').count()) >= 2);
    await tid('snapshot').last().click();
    await item('letters').waitFor();
    await item('letters').locator('[data-testid="open-folder"]').click();
    await item('letters/old').waitFor();
    expect(await item('letters/old').textContent()).toContain('deleted since');
    expect(await item('letters/hello.txt').textContent()).toContain('changed since');
    await tid('crumb-top').click();
    await item('letters').locator('[data-testid="select-item"]').check();

    await tid('restore-original').click();
    await tid('restore-dialog').waitFor();
    await tid('existing-overwrite').check();
    await tid('restore-go').click();
    await tid('restore-summary').waitFor({ timeout: 30_000 });
    expect(await tid('summary-restored').textContent()).toContain(`2 files restored`);
    expect(await tid('summary-failed').count()).toBe(0);
    expect(await read(folder, 'letters', 'hello.txt')).toBe('hello, first draft\n');
    expect(await read(folder, 'letters', 'old', 'aunt.txt')).toBe('dear aunt\n');
    expect(await read(folder, 'plan.md')).toBe('# plan\n');
    await tid('restore-dismiss').click();
  });

  it('restores the same folder into another folder, keeping both where a file is there', async () => {
    const elsewhere = path.join(scratch, 'Restored');
    await mkdir(path.join(elsewhere, 'letters'), { recursive: true });
    await writeFile(path.join(elsewhere, 'letters', 'hello.txt'), 'already here\n');
    await chooseLettersInOldest();
    await tid('restore-other').click();
    await tid('restore-to').fill(elsewhere);
    await expect(tid('existing-keep-both').isChecked()).resolves.toBe(true);
    await tid('restore-go').click();
    await tid('restore-summary').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SHOTS, 'restore.png'), fullPage: true });
    if (process.env.COFFER_UPDATE_SCREENSHOTS === '1') {
      await mkdir(DOC_SHOTS, { recursive: true });
      await copyFile(path.join(SHOTS, 'restore.png'), path.join(DOC_SHOTS, 'restore.png'));
    }
    expect(await tid('summary-kept-both').textContent()).toContain('1 kept both');
    expect(await tid('summary-failed').count()).toBe(0);
    expect(await read(elsewhere, 'letters', 'hello.txt')).toBe('already here\n');
    expect(await read(elsewhere, 'letters', 'old', 'aunt.txt')).toBe('dear aunt\n');
    const copies = (await readdir(path.join(elsewhere, 'letters'))).filter((n) => n.includes('(restored '));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/^hello \(restored \d{4}-\d{2}-\d{2} \d{4}\)\.txt$/);
    expect(await read(elsewhere, 'letters', copies[0]!)).toBe('hello, first draft\n');
    expect(await tid('restore-result').textContent()).toContain(copies[0]!);
    // Nothing else was written there.
    expect((await readdir(elsewhere)).sort()).toEqual(['letters']);
  });

  it('opens the versions panel inside the window at every size', async () => {
    await tid('nav-history').click();
    await tid('show-versions').first().waitFor();
    for (const size of [{ width: 1280, height: 800 }, { width: 900, height: 700 }, { width: 720, height: 520 }]) {
      await page.setViewportSize(size);
      // Scrolled to the bottom first: the panel must not open where the list began.
      // (Strings: the tests' TypeScript has no DOM library; these run in the page.)
      await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
      await tid('show-versions').first().click();
      await tid('version-row').first().waitFor();
      const box = await tid('versions-panel').boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(size.width + 0.5);
      expect(box!.y + box!.height).toBeLessThanOrEqual(size.height + 0.5);
      // Focus is in the panel (on its heading, lib/focus.ts takeFocus), so Escape reaches it.
      expect(await page.evaluate("document.activeElement?.closest('[data-testid=versions-panel]') !== null")).toBe(true);
      await page.keyboard.press('Escape');
      await tid('versions-panel').waitFor({ state: 'detached' });
    }
  });
});
