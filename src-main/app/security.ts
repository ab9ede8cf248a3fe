// Electron hardening decisions as plain functions, so tests can check them without the Electron binary.
// Only types come from 'electron' here; the runtime wiring lives in windows.ts and main.ts.
import type { BrowserWindowConstructorOptions } from 'electron';

/** Our pages are served from this privileged custom scheme, never from file:// or http://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'coffer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** The only URLs we hand to the OS browser. Exact prefixes, https only. */
export const EXTERNAL_URL_ALLOW_LIST: readonly string[] = [
  'https://github.com/coffer-vault/coffer',
  'https://docs.aws.amazon.com/kms/',
];

/** A BrowserWindow constructor; injected so tests can pin the options without the Electron binary. */
export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

/**
 * The one place a BrowserWindow is constructed (windows.ts passes Electron's class). The webPreferences
 * stay an inline literal on purpose: Electronegativity reads this `new BrowserWindow({...})` statically,
 * and test/app/security.test.ts pins the same values by calling this with a fake class.
 */
export function constructSecureWindow<W>(
  BrowserWindow: WindowConstructor<W>,
  preload: string,
  options: Omit<BrowserWindowConstructorOptions, 'webPreferences'>,
  /** Electron's `app` (its isPackaged): a packaged build never opens DevTools. */
  runtime: { isPackaged: boolean },
): W {
  return new BrowserWindow({
    ...options,
    webPreferences: {
      // Reviewed: the preload exposes only a two-function transport through contextBridge (preload/preload.ts).
      preload, /* eng-disable PRELOAD_JS_CHECK */
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // Middle-click would otherwise open links in a new window, bypassing will-navigate.
      disableBlinkFeatures: 'Auxclick',
      devTools: !runtime.isPackaged,
    },
  });
}

/** True when `url` belongs to our own pages (scheme and host exact, any path). */
export function isAppUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/** The only external links we open: https, no credentials, and under one of the allow-listed prefixes. */
export function isAllowedExternalUrl(url: string, allowList: readonly string[] = EXTERNAL_URL_ALLOW_LIST): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '') return false;
  const normal = u.href;
  return allowList.some((prefix) => {
    const p = new URL(prefix);
    if (p.origin !== u.origin) return false;
    // "https://x/docs" must not admit "https://x/docs-evil": match the path by segment.
    const base = p.pathname.endsWith('/') ? p.pathname : `${p.pathname}/`;
    return normal === p.href || u.pathname === p.pathname || u.pathname.startsWith(base);
  });
}

/** The parts of an IPC event the sender check reads (a structural subset of IpcMainInvokeEvent). */
export interface SenderLike {
  sender: { id: number };
  senderFrame: { url: string; parent?: unknown } | null;
}

/**
 * Accept an IPC call only from our main window's top frame showing one of our own pages. A frame that
 * navigated away, a subframe, or another webContents is refused.
 */
export function isTrustedSender(event: SenderLike, mainWebContentsId: number | null): boolean {
  if (mainWebContentsId === null || event.sender.id !== mainWebContentsId) return false;
  const frame = event.senderFrame;
  if (frame === null) return false;
  if (frame.parent !== null && frame.parent !== undefined) return false;
  return isAppUrl(frame.url);
}
