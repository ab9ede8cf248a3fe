// What the tray shows for each engine state, as plain data (tray.ts turns it into Electron calls).
// Icons are drawn here as small bitmaps so the three states need no extra asset files.
import type { SyncState, VaultStatus } from '../engine/ports/vault-service.ts';

export type TrayState = 'idle' | 'syncing' | 'paused' | 'error';

export function trayStateOf(state: SyncState): TrayState {
  switch (state) {
    case 'syncing': return 'syncing';
    case 'paused': return 'paused';
    case 'error': return 'error';
    default: return 'idle';
  }
}

const LABEL: Record<SyncState, string> = {
  'up-to-date': 'Up to date',
  syncing: 'Syncing',
  paused: 'Paused',
  error: 'Error',
  'not-configured': 'Not set up',
};

export function trayTooltip(status: VaultStatus | null): string {
  if (status === null) return 'Coffer: not set up';
  const base = `Coffer: ${LABEL[status.state]}`;
  if (status.state === 'syncing' && status.progress) {
    return `${base} (${status.progress.filesDone}/${status.progress.filesTotal} files)`;
  }
  if (status.state === 'error' && status.error) return `${base}: ${status.error.slice(0, 100)}`;
  return base;
}

/** Which menu items are enabled: Pause only while running, Resume only while paused. */
export function menuEnablement(state: SyncState | null): { pause: boolean; resume: boolean; syncNow: boolean } {
  const configured = state !== null && state !== 'not-configured';
  return {
    pause: configured && state !== 'paused',
    resume: configured && state === 'paused',
    syncNow: configured && state !== 'paused' && state !== 'syncing',
  };
}

// Green, blue, grey, red (RGB): the same colours as the dashboard's state words.
const COLOURS: Record<TrayState, [number, number, number]> = {
  idle: [0x2e, 0x9e, 0x5b],
  syncing: [0x2f, 0x6f, 0xd6],
  paused: [0x8a, 0x8f, 0x98],
  error: [0xd0, 0x3b, 0x3b],
};

/** A filled circle with a soft edge, as BGRA pixels for nativeImage.createFromBitmap. */
export function trayIconBitmap(state: TrayState, size = 32): Buffer {
  const [r, g, b] = COLOURS[state];
  const buf = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  const radius = size * 0.42;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const alpha = Math.max(0, Math.min(1, radius - d + 0.5));
      const i = (y * size + x) * 4;
      buf[i] = b;
      buf[i + 1] = g;
      buf[i + 2] = r;
      buf[i + 3] = Math.round(alpha * 255);
    }
  }
  return buf;
}
