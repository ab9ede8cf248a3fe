// Electron: the preload exposes only this bridge; main answers every invoke with an IpcEnvelope.
import { ApiError, IpcEnvelope, ipcChannel } from '../../../src-main/ipc/contract.ts';
import type { Transport } from '../../../src-main/ipc/contract.ts';

export interface CofferBridge {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  subscribe(listener: (event: unknown) => void): () => void;
}

declare global {
  interface Window {
    coffer?: CofferBridge;
  }
}

export function ipcTransport(bridge: CofferBridge): Transport {
  return {
    async invoke(command, payload) {
      const raw = await bridge.invoke(ipcChannel(command), payload);
      const envelope = IpcEnvelope.safeParse(raw);
      if (!envelope.success) throw new ApiError('internal', `${command}: malformed reply from the app`);
      if (!envelope.data.ok) throw new ApiError(envelope.data.error.code, envelope.data.error.message);
      return envelope.data.value;
    },
    subscribe(listener) {
      return bridge.subscribe(listener);
    },
  };
}
