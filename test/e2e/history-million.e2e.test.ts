// A history of 1,000,000 rows in Chromium: every row stays reachable by scrolling and by keyboard.
// Chromium stops growing an element at about 33.5 M px, so a list drawn as one 36 px × count element
// loses rows past ~930,000; the list scales its scroll range instead (src-renderer/lib/scroll-map.ts).
// `coffer ui` runs over the real engine and a real vault; only the history command's answer is made up
// in the page (a million real entries would take the engine longer to write than this whole test runs):
// the layout limit under test is the browser's, and the engine's paging has its own tests.
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
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
const PASSPHRASE = 'correct horse battery staple';
const TOTAL = 1_000_000;
const skip = browserSkipReason();

/** The little of the DOM the page functions below use (the test project's types have no DOM lib). */
interface DomEl {
  getBoundingClientRect(): { top: number; bottom: number; height: number };
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomEl | null;
  querySelectorAll(selector: string): ArrayLike<DomEl>;
  scrollHeight: number;
  style: { height: string };
  ownerDocument: { createElement(tag: string): DomEl };
  append(child: DomEl): void;
  remove(): void;
}

/** Entry i of the made-up history, newest first, in the contract's shape. */
function entry(i: number) {
  return { time: new Date(Date.UTC(2026, 10, 27, 12) - i * 1000).toISOString(), action: 'upload', path: `archive/${i % 97}/file-${i}.txt`, size: 1000 + i };
}

describe.skipIf(skip !== null)(`a million history rows in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let scratch: string;
  let host: VaultHost;
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  let folder: string;
  let service: VaultService;
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'coffer-e2e-million-'));
    folder = path.join(scratch, 'Documents');
    const remote = path.join(scratch, 'remote');
    await mkdir(folder, { recursive: true });
    await mkdir(remote);
    await mkdir(SHOTS, { recursive: true });
    await writeFile(path.join(folder, 'hello.txt'), 'hello\n');
    const staticDir = buildRenderer(path.join(scratch, 'renderer'));
    host = await openVaultHost({ stateDir: path.join(scratch, 'state'), passphrase: async () => PASSPHRASE });
    ({ service } = await host.createVault({ folder, remote: `file://${remote}`, keyRef: 'passphrase', passphrase: PASSPHRASE }));
    await until('the vault to store its file', async () => (await service.status()).files >= 1, 60_000);
    ({ server, browser, page } = await openUiSession(host, staticDir, { viewport: { width: 1280, height: 860 } }));
    await page.route('**/api/history', async (route) => {
      const q = JSON.parse(route.request().postData() ?? '{}') as { offset?: number; limit?: number };
      const offset = q.offset ?? 0;
      const entries = Array.from({ length: Math.max(0, Math.min(q.limit ?? 100, TOTAL - offset)) }, (_, k) => entry(offset + k));
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ entries, total: TOTAL }) });
    });
  }, 240_000);

  afterAll(async () => {
    await closeUiSession({ browser, server, host, scratch });
  }, 60_000);

  /** The rows drawn inside the list's visible box, by position (aria-posinset). */
  async function visibleRows(): Promise<number[]> {
    return tid('history-list').evaluate((list: DomEl) => {
      const box = list.getBoundingClientRect();
      return Array.from(list.querySelectorAll('[role=listitem]'))
        .filter((r) => {
          const b = r.getBoundingClientRect();
          return b.top >= box.top - 1 && b.bottom <= box.bottom + 1 && r.querySelector('[data-testid="history-row"]') !== null;
        })
        .map((r) => Number(r.getAttribute('aria-posinset')));
    });
  }

  it('the browser really caps a 36 M px element, which is why the list scales', async () => {
    await page.goto(server.url);
    // A probe 36 M px tall, added to the page's body: what height does Chromium give it?
    const height = await page.locator('body').evaluate((body: DomEl) => {
      const probe = body.ownerDocument.createElement('div');
      probe.style.height = `${36 * 1_000_000}px`;
      body.append(probe);
      const h = probe.getBoundingClientRect().height;
      probe.remove();
      return h;
    });
    expect(height).toBeLessThan(36_000_000);
  }, 60_000);

  it('reaches row 1,000,000 with End, comes back with Home, and by dragging the scroll to the bottom', async () => {
    await tid('nav-history').click();
    await tid('history-row').first().waitFor({ timeout: 30_000 });
    expect(await tid('history-total').textContent()).toBe('1,000,000 entries');
    const list = tid('history-list');
    // The scroll range the browser grants is the whole spacer: nothing was clipped.
    const { scrollHeight, spacer } = await list.evaluate((el: DomEl) => ({ scrollHeight: el.scrollHeight, spacer: el.querySelector('.spacer')!.getBoundingClientRect().height }));
    expect(spacer).toBeLessThan(33_000_000);
    expect(scrollHeight).toBeGreaterThanOrEqual(Math.floor(spacer));

    await list.focus();
    await page.keyboard.press('End');
    await until('row 1,000,000 in view', async () => (await visibleRows()).includes(TOTAL));
    expect(await page.locator('[aria-posinset="1000000"] [data-testid="history-path"]').getAttribute('title')).toBe(entry(TOTAL - 1).path);
    await page.screenshot({ path: path.join(SHOTS, 'history-million-end.png') });

    await page.keyboard.press('Home');
    await until('row 1 in view', async () => (await visibleRows())[0] === 1);
    // PageDown moves by the rows in view less one: the row at the bottom becomes the one at the top.
    const before = await visibleRows();
    await page.keyboard.press('PageDown');
    await until('the next page', async () => (await visibleRows())[0] === before.at(-1));

    await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await until('row 1,000,000 in view after scrolling', async () => (await visibleRows()).includes(TOTAL));
    // Half way down the scroll range is half way down the list.
    await list.evaluate((el) => el.scrollTo({ top: (el.scrollHeight - el.clientHeight) / 2 }));
    await until('the middle of the list', async () => {
      const rows = await visibleRows();
      return rows.length > 0 && Math.abs(rows[0]! - TOTAL / 2) < 20;
    });
  }, 90_000);

  it('the real engine\'s history reads: checks folded, a rename moved from, a long path cut in the middle', async () => {
    const real = await browser.newPage({ viewport: { width: 1280, height: 860 } }); // no made-up answers here
    try {
      const deep = path.join('projects', 'client-work', 'two-thousand-twenty-six', 'quarterly-reports', 'final-versions', 'signed');
      await mkdir(path.join(folder, deep), { recursive: true });
      await writeFile(path.join(folder, deep, 'contract-signed-by-both-parties.pdf'), 'signed\n');
      await writeFile(path.join(folder, 'report.txt'), 'the quarterly report\n');
      await until('both files stored', async () => (await service.status()).files >= 3, 60_000, 500);
      await service.syncNow();
      await service.syncNow();
      await rename(path.join(folder, 'report.txt'), path.join(folder, 'report-2026.txt'));
      await until('the rename recorded', async () => (await service.history({ actions: ['rename'] })).total === 1, 60_000, 500);

      await real.goto(server.url);
      await real.locator('[data-testid="nav-history"]').click();
      const rows = real.locator('[data-testid="history-row"]');
      await until('the moved file in the history', async () => (await real.locator('[data-testid="moved-from"]').count()) > 0, 30_000);
      expect((await real.locator('[data-testid="moved-from"] .short').first().textContent())).toBe('report.txt');
      await until('a folded run of checks', async () => (await rows.filter({ has: real.locator('[data-testid="folded-text"]') }).count()) > 0, 30_000);
      expect(await real.locator('[data-testid="folded-text"]').first().textContent()).toMatch(/^\d+ checks?, nothing changed$/);
      const long = real.locator('[data-testid="history-path"]', { hasText: 'contract-signed-by-both-parties.pdf' }).first();
      const full = `${deep}/contract-signed-by-both-parties.pdf`;
      expect(await long.getAttribute('title')).toBe(full);
      const shown = (await long.locator('.short').textContent())!;
      expect(shown).toMatch(/…\/contract-signed-by-both-parties\.pdf$/);
      expect(await long.locator('.short').isVisible()).toBe(true);
      const fullText = real.locator('[data-testid="history-full"]', { hasText: 'contract-signed-by-both-parties.pdf' }).first();
      expect((await fullText.boundingBox())!.width).toBeLessThanOrEqual(1);
      await real.screenshot({ path: path.join(SHOTS, 'history-readable.png') });
      // Focus in the row (its Versions button) shows the whole path under it, not cut.
      const row = rows.filter({ has: long });
      await row.locator('[data-testid="show-versions"]').focus();
      const box = (await fullText.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(await fullText.textContent()).toBe(full);
      // Nothing of it is hidden: its content fits the box it is drawn in.
      expect(await fullText.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1)).toBe(true);
      await real.screenshot({ path: path.join(SHOTS, 'history-readable-focus.png') });
    } finally {
      await real.close();
    }
  }, 120_000);
});
