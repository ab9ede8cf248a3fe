// The tray: state icon and the Unlock / Pause / Resume / Open / Sync now / Quit menu. It is what stays when the
// window is closed, so the engine keeps running and the user can still see it.
import { Menu, Tray, nativeImage } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { trayIconBitmap, trayView, type TrayInput, type TrayState } from './tray-state.ts';

export interface TrayActions {
  open(): void;
  /** Opens the window, which shows the Unlock view while the vault is locked. */
  unlock(): void;
  syncNow(): void;
  pause(): void;
  resume(): void;
  quit(): void;
}

export class AppTray {
  readonly #tray: Tray;
  readonly #actions: TrayActions;
  #shown: TrayState | null = null;

  readonly #assetsDir: string;

  /** `assetsDir` holds tray-<state>.png (+ @2x); a state without a file gets a drawn dot. */
  constructor(actions: TrayActions, assetsDir: string) {
    this.#actions = actions;
    this.#assetsDir = assetsDir;
    this.#tray = new Tray(this.#icon('off'));
    this.#tray.on('click', () => actions.open());
    this.update({ status: null, locked: false });
  }

  /** The decisions are tray-state.ts trayView's (Node-tested); this only applies them. */
  update(input: TrayInput): void {
    const view = trayView(input);
    if (view.state !== this.#shown) {
      this.#tray.setImage(this.#icon(view.state));
      this.#shown = view.state;
    }
    this.#tray.setToolTip(view.tooltip);
    const on = view.menu;
    const a = this.#actions;
    this.#tray.setContextMenu(Menu.buildFromTemplate([
      ...(view.unlock ? [{ label: 'Unlock…', click: () => a.unlock() }] : []),
      { label: 'Open Coffer', click: () => a.open() },
      { type: 'separator' },
      { label: 'Sync now', enabled: on.syncNow, click: () => a.syncNow() },
      { label: 'Pause', enabled: on.pause, click: () => a.pause() },
      { label: 'Resume', enabled: on.resume, click: () => a.resume() },
      { type: 'separator' },
      { label: 'Quit Coffer', click: () => a.quit() },
    ]));
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #icon(state: TrayState): Electron.NativeImage {
    // Electron picks tray-<state>@2x.png by itself on HiDPI screens.
    const file = path.join(this.#assetsDir, `tray-${state}.png`);
    if (existsSync(file)) return nativeImage.createFromPath(file);
    // 32 px drawn at scale factor 2: a crisp 16-point icon on HiDPI screens.
    return nativeImage.createFromBitmap(trayIconBitmap(state, 32), { width: 32, height: 32, scaleFactor: 2 });
  }
}
