// Launch at login is a vault setting the engine stores; the OS registration is Electron's on macOS and
// Windows, and an XDG autostart entry on Linux (xdg-autostart.ts). Keep them in step: apply at start-up
// and after every successful updateSettings.
import type { Dispatch } from '../ipc/dispatch.ts';
import { setXdgAutostart } from './xdg-autostart.ts';

/** Passed when the OS starts us at login: start in the tray, without a window. */
export const HIDDEN_ARG = '--hidden';

export interface LoginItemApi {
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
  /** Electron's; on Linux they name the command the autostart entry runs. */
  isPackaged?: boolean;
  getAppPath?(): string;
}

/** The command a login start runs on Linux: the AppImage or the installed binary, or electron + app (development). */
export function loginCommand(app: LoginItemApi, env: NodeJS.ProcessEnv = process.env, execPath = process.execPath): string[] {
  if (app.isPackaged) return [env.APPIMAGE ?? execPath, HIDDEN_ARG];
  return [execPath, ...(app.getAppPath ? [app.getAppPath()] : []), HIDDEN_ARG];
}

export async function applyLoginItem(app: LoginItemApi, openAtLogin: boolean, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform === 'linux') {
    await setXdgAutostart(openAtLogin, loginCommand(app));
    return;
  }
  app.setLoginItemSettings({ openAtLogin, openAsHidden: true, args: openAtLogin ? [HIDDEN_ARG] : [] });
}

/** Wraps dispatch so a settings change that touches launchAtLogin reaches the OS too. */
export function syncLoginItem(dispatch: Dispatch, app: LoginItemApi, platform: NodeJS.Platform = process.platform): Dispatch {
  return async (command, payload) => {
    const env = await dispatch(command, payload);
    if (command === 'updateSettings' && env.ok) {
      const v = env.value as { launchAtLogin?: unknown };
      if (typeof v.launchAtLogin === 'boolean') {
        try {
          await applyLoginItem(app, v.launchAtLogin, platform);
        } catch (err) {
          // The setting is saved; say plainly that the OS part is what failed.
          const why = err instanceof Error ? err.message : String(err);
          return { ok: false, error: { code: 'internal', message: `The setting was saved, but launch at login could not be ${v.launchAtLogin ? 'turned on' : 'turned off'}: ${why}` } };
        }
      }
    }
    return env;
  };
}
