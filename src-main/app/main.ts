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
import { overallState, overallTrayStatus } from './overall-state.ts';
import { showNotices } from './notifications.ts';
import { registerAppScheme, serveAppScheme } from './protocol.ts';
import { hardenSession } from './session.ts';
import { AppTray } from './tray.ts';
import { createMainWindow, guardWebContents } from './windows.ts';
import { applyHeapPolicy } from '../heap-policy.ts';

const KEY_CHECK_INTERVAL_MS = 60 * 60 * 1000;

let mainWindow: BrowserWindow | null = null;
let quitting = false;

applyHeapPolicy(); // the engine runs in this process (heap-policy.ts)
registerAppScheme();
// Every renderer sandboxed, whatever a window's own options say (must run before 'ready').
app.enableSandbox();

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
    // Only what waiting cannot cure ends up here (a destination that is away does not: the host waits).
    // Say it in a dialog too: an app started from a menu or at login has no terminal.
    const message = err instanceof Error ? err.message : String(err);
    console.error('Coffer failed to start:', message);
    dialog.showErrorBox('Coffer could not start', message);
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
    // The window shows the Unlock view while a vault is locked.
    unlock: openWindow,
    syncNow: () => void everyService((svc) => svc.syncNow()),
    pause: () => void everyService((svc) => svc.pause()).then(refresh),
    resume: () => void everyService((svc) => svc.resume()).then(refresh),
    quit: () => app.quit(),
  }, path.join(app.getAppPath(), 'assets'));
  // A status event comes from a running vault or from a folder waiting for its destination.
  const onStatus = (s: VaultStatus, vaultId?: string): void => {
    void refresh().catch(() => undefined);
    notify(plannerOf(vaultId).fromStatus(s));
  };
  /**
   * The tray shows the state over all folders (overall-state.ts), locked when one is (tray-state.ts);
   * each locked folder is announced once per lock (notice-planner.ts).
   */
  async function refresh(): Promise<void> {
    const folders = await host.folders();
    tray.update({ status: overallTrayStatus(folders), locked: overallState(folders).state === 'locked' });
    for (const f of folders) if (f.state === 'locked') notify(plannerOf(f.vaultId).fromHost({ status: null, locked: true }));
  }
  async function checkKeys(): Promise<void> {
    for (const svc of host.runningServices()) notify(plannerOf(svc.vaultId).fromKeys(await svc.keys()));
  }

  relay.listen((e) => {
    if (e.type === 'status') onStatus(e.status, e.vaultId);
    if (e.type === 'key') notify(plannerOf(e.vaultId).fromKeys([e.status]));
  });
  const followed = relay.followHost(host);
  const followCreated = followed.onVaultCreated;
  // Locked once the destination came back, or opened after a retry: the tray follows.
  const stopHostChanges = host.onChange?.(() => void refresh().catch(() => undefined));
  const dispatch = createDispatcher({
    host,
    onVaultCreated: (svc) => {
      followCreated(svc);
      void refresh();
      void svc.settings().then((st) => applyLoginItem(app, st.launchAtLogin)).catch(() => undefined);
    },
    onRecoverySaved: () => writeFile(path.join(stateDir, 'recovery-kit-saved'), new Date().toISOString()),
    dialogs: electronDialogs(dialog, () => mainWindow),
  });
  registerIpcHandlers(ipcMain, syncLoginItem(dispatch, app), () => liveWebContentsId());
  forwardEvents(relay, () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null));

  const svc = host.service();
  if (svc !== null) {
    void svc.settings().then((st) => applyLoginItem(app, st.launchAtLogin)).catch(() => undefined);
  }
  void refresh().catch(() => undefined);
  void checkKeys().catch(() => undefined);
  const keyTimer = setInterval(() => void checkKeys().catch(() => undefined), KEY_CHECK_INTERVAL_MS);

  app.on('will-quit', (event) => {
    // Close the engine (journal, watcher) before exiting; only once.
    clearInterval(keyTimer);
    event.preventDefault();
    stopHostChanges?.();
    followed.stop();
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
