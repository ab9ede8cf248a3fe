// What every browser flow starts and stops the same way: `coffer ui` (startUiServer) over a real engine
// host, Debian's Chromium, and one page; then everything closed, browser first, and the scratch folder removed.
import { rm } from 'node:fs/promises';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { VaultHost } from '../../src-main/engine/ports/vault-service.ts';
import { startUiServer, type UiServer } from '../../src-main/ui-server/server.ts';
import { launchChromium } from './browser.ts';

export interface UiSession {
  server: UiServer;
  browser: Browser;
  page: Page;
}

export async function openUiSession(host: VaultHost, staticDir: string, pageOptions: BrowserContextOptions): Promise<UiSession> {
  const server = await startUiServer({ host, staticDir });
  const browser = await launchChromium();
  const page = await browser.newPage(pageOptions);
  return { server, browser, page };
}

/** Closes what was opened (any part may be missing when beforeAll failed half-way). */
export async function closeUiSession(parts: { browser?: Browser; server?: UiServer; host?: { close(): Promise<void> }; scratch?: string }): Promise<void> {
  await parts.browser?.close();
  await parts.server?.close();
  await parts.host?.close();
  if (parts.scratch) await rm(parts.scratch, { recursive: true, force: true });
}
