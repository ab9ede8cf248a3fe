// The preload: a transport and nothing else (see src-main/ipc/contract.ts, "Wire protocol").
//
// Sandboxed preloads cannot be ES modules and may require only a few built-ins, so this file is CommonJS
// (the package.json beside it says so; tsc emits dist/src-main/app/preload/preload.js as CJS) and imports
// nothing at runtime but 'electron'. The channel names repeat the contract's; test/app/preload.test.ts
// checks they agree.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CJS is required for a sandboxed preload.
import electron = require('electron');

const COMMAND_PREFIX = 'coffer:';
const EVENT_CHANNEL = 'coffer:event';
const CHANNEL_PATTERN = /^coffer:[A-Za-z]{1,64}$/;

const bridge = {
  /** Forwards one command; main validates sender and payload and resolves with an IpcEnvelope. */
  invoke(channel: unknown, payload: unknown): Promise<unknown> {
    if (typeof channel !== 'string' || !CHANNEL_PATTERN.test(channel) || channel === EVENT_CHANNEL) {
      return Promise.reject(new Error(`Not a ${COMMAND_PREFIX} command channel`));
    }
    return electron.ipcRenderer.invoke(channel, payload);
  },
  /** Engine events; the page never sees the IpcRendererEvent (it would expose ipcRenderer.sender). */
  subscribe(listener: unknown): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a function');
    const handler = (_event: unknown, payload: unknown): void => {
      (listener as (event: unknown) => void)(payload);
    };
    electron.ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      electron.ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

electron.contextBridge.exposeInMainWorld('coffer', Object.freeze(bridge));
