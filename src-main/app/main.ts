// Electron main: wires the engine (through a VaultHost), the window, the tray, notifications and IPC.
// Closing the window hides it; the engine keeps syncing until Quit.
import { app, dialog, ipcMain, session, type BrowserWindow } from 'electron';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { systemClock } from '../engine/ports/clock.ts';
import type { VaultHost, VaultStatus } from '../engine/ports/vault-service.ts';
import { cofferHome, openMultiVaultHost } from '../engine/api.ts';
import { createDispatcher } from '../ipc/dispatch.ts';
import { EventRelay } from '../ipc/event-relay.ts';
import { forwardEvents, registerIpcHandlers } from './ipc-main.ts';
import { electronDialogs } from './host-dialogs.ts';
import { HIDDEN_ARG, applyLoginItem, syncLoginItem } from './login-item.ts';
import { NoticePlanner } from './notice-planner.ts';
import { overallTrayStatus } from './overall-state.ts';
import { showNotices } from './notifications.ts';
import { registerAppScheme, serveAppScheme } from './protocol.ts';
import { hardenSession } from './session.ts';
import { AppTray } from './tray.ts';
import { createMainWindow, guardWebContents } from './windows.ts';

const KEY_CHECK_INTERVAL_MS = 60 * 60 * 1000;

let mainWindow: BrowserWindow | null = null;
let quitting = false;

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => openWindow());
  app.on('web-contents-created', (_e, contents) => guardWebContents(contents));
  // The tray keeps the app (and the engine) alive with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => openWindow());
  app.on('before-quit', () => {
    quitting = true;
  });
  app.whenReady().then(start).catch((err: unknown) => {
    console.error('Coffer failed to start:', err instanceof Error ? err.message : err);
    app.exit(1);
  });
}

function openWindow(): void {
  if (!app.isReady()) return;
  if (mainWindow === null || mainWindow.isDestroyed()) {
    const icon = path.join(app.getAppPath(), 'assets', 'icon.png');
    mainWindow = createMainWindow({
      ...(existsSync(icon) ? { iconPath: icon } : {}),
      onCloseRequested: (win) => {
        if (quitting) return false;
        win.hide();
        return true;
      },
    });
    return;
  }
  mainWindow.show();
  mainWindow.focus();
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  serveAppScheme(path.join(app.getAppPath(), 'dist-renderer'));
  // The same state home as the CLI (COFFER_HOME or the OS app-data folder), so both see one vault.
  const stateDir = cofferHome();
  // Every registered folder, each its own vault syncing in the background; the window shows the selected one.
  const host = await openMultiVaultHost({ stateDir });
  const relay = new EventRelay();
  const planner = new NoticePlanner(systemClock);
  /** One planner per vault: one vault's healthy status must not end another's outage. */
  const planners = new Map<string, NoticePlanner>();
  const plannerOf = (vaultId: string | undefined): NoticePlanner => {
    if (vaultId === undefined) return planner;
    if (!planners.has(vaultId)) planners.set(vaultId, new NoticePlanner(systemClock));
    return planners.get(vaultId)!;
  };
  // The tray's actions apply to every folder, as its state is over all of them.
  const everyService = (act: (svc: ReturnType<typeof host.runningServices>[number]) => Promise<unknown>): Promise<unknown> =>
    Promise.all(host.runningServices().map((svc) => act(svc).catch(() => undefined)));
  const notify = (n: ReturnType<NoticePlanner['fromStatus']>): void => showNotices(n, openWindow);

  const tray = new AppTray({
    open: openWindow,
    syncNow: () => void everyService((svc) => svc.syncNow()),
    pause: () => void everyService((svc) => svc.pause()).then(refresh),
    resume: () => void everyService((svc) => svc.resume()).then(refresh),
    quit: () => app.quit(),
  }, path.join(app.getAppPath(), 'assets'));
  const onStatus = (s: VaultStatus, vaultId?: string): void => {
    void refresh().catch(() => undefined);
    notify(plannerOf(vaultId).fromStatus(s));
  };
  /** The tray shows the state over all folders (overall-state.ts). */
  async function refresh(): Promise<void> {
    tray.update(overallTrayStatus(await host.folders()));
  }
  async function checkKeys(): Promise<void> {
    for (const svc of host.runningServices()) notify(plannerOf(svc.vaultId).fromKeys(await svc.keys()));
  }

  relay.listen((e) => {
    if (e.type === 'status') onStatus(e.status, e.vaultId);
    if (e.type === 'key') notify(plannerOf(e.vaultId).fromKeys([e.status]));
  });
  const followCreated = relay.followHost(host);
  const dispatch = createDispatcher({
    host,
    onVaultCreated: (svc) => {
      followCreated(svc);
      void refresh();
    },
    onRecoverySaved: () => writeFile(path.join(stateDir, 'recovery-kit-saved'), new Date().toISOString()),
    dialogs: electronDialogs(dialog, () => mainWindow),
  });
  registerIpcHandlers(ipcMain, syncLoginItem(dispatch, app), () => liveWebContentsId());
  forwardEvents(relay, () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null));

  const svc = host.service();
  if (svc !== null) {
    void svc.settings().then((s) => applyLoginItem(app, s.launchAtLogin)).catch(() => undefined);
  }
  void refresh().catch(() => undefined);
  void checkKeys().catch(() => undefined);
  const keyTimer = setInterval(() => void checkKeys().catch(() => undefined), KEY_CHECK_INTERVAL_MS);

  app.on('will-quit', (event) => {
    // Close the engine (journal, watcher) before exiting; only once.
    clearInterval(keyTimer);
    event.preventDefault();
    relay.close();
    tray.destroy();
    void closeThenExit(host);
  });

  const startedHidden = process.argv.includes(HIDDEN_ARG) || app.getLoginItemSettings().wasOpenedAtLogin === true;
  if (!startedHidden) openWindow();
}

function liveWebContentsId(): number | null {
  return mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.id : null;
}

let closing = false;
async function closeThenExit(host: VaultHost): Promise<void> {
  if (closing) return;
  closing = true;
  try {
    await host.close();
  } finally {
    app.exit(0);
  }
}
