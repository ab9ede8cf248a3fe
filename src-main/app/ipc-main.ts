// Electron's side of the contract: one ipcMain.handle per command, each checking the sender before the
// payload reaches dispatch; engine events go to the main window only.
import type { IpcMainInvokeEvent } from 'electron';
import { EVENT_CHANNEL, commandNames, ipcChannel, type IpcEnvelope } from '../ipc/contract.ts';
import type { Dispatch } from '../ipc/dispatch.ts';
import type { EventRelay } from '../ipc/event-relay.ts';
import { isTrustedSender, type SenderLike } from './security.ts';

/** The part of ipcMain we use; tests pass a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export const FORBIDDEN_SENDER: IpcEnvelope = {
  ok: false,
  error: { code: 'forbidden', message: 'This window may not talk to the vault' },
};

/**
 * Builds the handler for one command. Exported for tests: they call it with fake events.
 * Extra arguments beyond the payload are refused rather than ignored.
 */
export function commandHandler(
  command: string,
  dispatch: Dispatch,
  mainWebContentsId: () => number | null,
): (event: SenderLike, ...args: unknown[]) => Promise<IpcEnvelope> {
  return async (event, ...args) => {
    if (!isTrustedSender(event, mainWebContentsId())) return FORBIDDEN_SENDER;
    if (args.length > 1) {
      return { ok: false, error: { code: 'invalid-request', message: `${command}: expected one payload argument` } };
    }
    return dispatch(command, args[0]);
  };
}

/** Registers every command channel; returns a function that removes them again. */
export function registerIpcHandlers(ipcMain: IpcMainLike, dispatch: Dispatch, mainWebContentsId: () => number | null): () => void {
  const channels = commandNames.map((name) => {
    const channel = ipcChannel(name);
    ipcMain.handle(channel, commandHandler(name, dispatch, mainWebContentsId));
    return channel;
  });
  return () => {
    for (const c of channels) ipcMain.removeHandler(c);
  };
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/** Forwards validated engine events to the main window while it exists (hidden windows still get them). */
export function forwardEvents(relay: EventRelay, target: () => EventTarget | null): () => void {
  return relay.listen((event) => {
    const wc = target();
    if (wc !== null && !wc.isDestroyed()) wc.send(EVENT_CHANNEL, event);
  });
}
