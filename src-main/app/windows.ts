// The one place that constructs BrowserWindows, and the guards every one of them gets.
import { BrowserWindow, app, shell, type WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_START_URL, constructSecureWindow, isAllowedExternalUrl, isAppUrl } from './security.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The compiled CommonJS preload (src-main/app/preload/preload.ts -> dist/src-main/app/preload/preload.js). */
export const PRELOAD_PATH = path.join(here, 'preload', 'preload.js');

export interface MainWindowOptions {
  iconPath?: string;
  /** Called instead of closing: the engine keeps running and the tray stays. */
  onCloseRequested?: (win: BrowserWindow) => boolean;
}

export function createMainWindow(opts: MainWindowOptions = {}): BrowserWindow {
  const win = constructSecureWindow(BrowserWindow, PRELOAD_PATH, {
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Coffer',
    ...(opts.iconPath ? { icon: opts.iconPath } : {}),
  }, app);
  guardWebContents(win.webContents);
  win.once('ready-to-show', () => win.show());
  win.on('close', (e) => {
    // Hide to tray unless the app is quitting; returning false from the hook means "really close".
    if (opts.onCloseRequested?.(win) ?? false) e.preventDefault();
  });
  void win.loadURL(APP_START_URL);
  return win;
}

const guarded = new WeakSet<WebContents>();

/**
 * Navigation and new windows: our pages may only move within our own origin; allow-listed https links go
 * to the OS browser; everything else is dropped.
 */
export function guardWebContents(contents: WebContents): void {
  // Called from createMainWindow and from app 'web-contents-created': guard once, or a link would open twice.
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.setWindowOpenHandler(({ url }) => {
    openAllowedExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openAllowedExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The app's only call to shell.openExternal: https links on the allow-list, nothing else. */
export function openAllowedExternal(url: string): boolean {
  if (!isAllowedExternalUrl(url)) return false;
  // Reviewed: the URL passed the allow-list above (Electronegativity cannot see that, hence the marker).
  void shell.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
  return true;
}
