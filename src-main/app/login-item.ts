// Launch at login is a vault setting the engine stores; the OS registration is Electron's. Keep them in
// step: apply at start-up and after every successful updateSettings.
import type { Dispatch } from '../ipc/dispatch.ts';

/** Passed when the OS starts us at login: start in the tray, without a window. */
export const HIDDEN_ARG = '--hidden';

export interface LoginItemApi {
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
}

export function applyLoginItem(app: LoginItemApi, openAtLogin: boolean): void {
  app.setLoginItemSettings({ openAtLogin, openAsHidden: true, args: openAtLogin ? [HIDDEN_ARG] : [] });
}

/** Wraps dispatch so a settings change that touches launchAtLogin reaches the OS too. */
export function syncLoginItem(dispatch: Dispatch, app: LoginItemApi): Dispatch {
  return async (command, payload) => {
    const env = await dispatch(command, payload);
    if (command === 'updateSettings' && env.ok) {
      const v = env.value as { launchAtLogin?: unknown };
      if (typeof v.launchAtLogin === 'boolean') applyLoginItem(app, v.launchAtLogin);
    }
    return env;
  };
}
