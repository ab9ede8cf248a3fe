// A history of 1,000,000 rows in Chromium: every row stays reachable by scrolling and by keyboard.
// Chromium stops growing an element at about 33.5 M px, so a list drawn as one 36 px × count element
// loses rows past ~930,000; the list scales its scroll range instead (src-renderer/lib/scroll-map.ts).
// `coffer ui` runs over the real engine and a real vault; only the history command's answer is made up
// in the page (a million real entries would take the engine longer to write than this whole test runs):
// the layout limit under test is the browser's, and the engine's paging has its own tests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import type { VaultHost } from '../../src-main/engine/ports/vault-service.ts';
import { startUiServer, type UiServer } from '../../src-main/ui-server/server.ts';
import { browserSkipReason, launchChromium, until } from './browser.ts';
import { buildRenderer } from './renderer-build.ts';

const SHOTS = path.resolve('test-artifacts', 'screenshots');
const PASSPHRASE = 'correct horse battery staple';
const TOTAL = 1_000_000;
const skip = browserSkipReason();

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
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'coffer-e2e-million-'));
    const folder = path.join(scratch, 'Documents');
    const remote = path.join(scratch, 'remote');
    await mkdir(folder, { recursive: true });
    await mkdir(remote);
    await mkdir(SHOTS, { recursive: true });
    await writeFile(path.join(folder, 'hello.txt'), 'hello\n');
    const staticDir = buildRenderer(path.join(scratch, 'renderer'));
    host = await openVaultHost({ stateDir: path.join(scratch, 'state'), passphrase: async () => PASSPHRASE });
    const { service } = await host.createVault({ folder, remote: `file://${remote}`, keyRef: 'passphrase', passphrase: PASSPHRASE });
    await until('the vault to store its file', async () => (await service.status()).files >= 1, 60_000);
    server = await startUiServer({ host, staticDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.route('**/api/history', async (route) => {
      const q = JSON.parse(route.request().postData() ?? '{}') as { offset?: number; limit?: number };
      const offset = q.offset ?? 0;
      const entries = Array.from({ length: Math.max(0, Math.min(q.limit ?? 100, TOTAL - offset)) }, (_, k) => entry(offset + k));
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ entries, total: TOTAL }) });
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await host?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 60_000);

  /** The rows drawn inside the list's visible box, by position (aria-posinset). */
  async function visibleRows(): Promise<number[]> {
    return page.evaluate(() => {
      const list = document.querySelector<HTMLElement>('[data-testid="history-list"]')!;
      const box = list.getBoundingClientRect();
      return [...list.querySelectorAll<HTMLElement>('[role=listitem]')]
        .filter((r) => {
          const b = r.getBoundingClientRect();
          return b.top >= box.top - 1 && b.bottom <= box.bottom + 1 && r.querySelector('[data-testid="history-row"]');
        })
        .map((r) => Number(r.getAttribute('aria-posinset')));
    });
  }

  it('the browser really caps a 36 M px element, which is why the list scales', async () => {
    await page.goto(server.url);
    const height = await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.style.height = `${36 * 1_000_000}px`;
      document.body.append(probe);
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
    const { scrollHeight, spacer } = await list.evaluate((el) => ({ scrollHeight: el.scrollHeight, spacer: el.querySelector<HTMLElement>('.spacer')!.getBoundingClientRect().height }));
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
});
