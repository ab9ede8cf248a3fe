// What the tray shows for each engine state, as plain data (tray.ts turns it into Electron calls).
// Icons are drawn here as small bitmaps so the states need no extra asset files.
import type { SyncState, VaultStatus } from '../engine/ports/vault-service.ts';
import { nextStep } from '../ipc/contract.ts';

/**
 * 'idle' means "up to date, protecting": nothing else may look like it. 'locked': a passphrase vault
 * waits for its passphrase (nothing is synced); 'off': no vault is set up.
 */
export type TrayState = 'idle' | 'syncing' | 'paused' | 'error' | 'locked' | 'off';

export function trayStateOf(state: SyncState): TrayState {
  switch (state) {
    case 'up-to-date': return 'idle';
    case 'syncing': return 'syncing';
    case 'paused': return 'paused';
    case 'error': return 'error';
    default: return 'off';
  }
}

/** What the host says when the tray asks: the status (running or waiting for the destination), or locked. */
export interface TrayInput {
  status: VaultStatus | null;
  locked: boolean;
}

export interface TrayView {
  state: TrayState;
  tooltip: string;
  /** "Unlock…": shown only while locked; it opens the window on the Unlock view. */
  unlock: boolean;
  menu: { pause: boolean; resume: boolean; syncNow: boolean };
}

/** The whole tray for one moment: icon state, tooltip and menu, from what the host reports. */
export function trayView(input: TrayInput): TrayView {
  if (input.locked) {
    return {
      state: 'locked', tooltip: 'Coffer: Locked, not syncing. Unlock to protect your files again.', unlock: true,
      menu: { pause: false, resume: false, syncNow: false },
    };
  }
  const { status } = input;
  return { state: trayStateOf(status?.state ?? 'not-configured'), tooltip: trayTooltip(status), unlock: false, menu: menuEnablement(status?.state ?? null) };
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
  if (status.state === 'error' && status.errorCode) return `${base}: ${nextStep(status.errorCode, status.remote).slice(0, 110)}`;
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

// Green, blue, grey, red (RGB): the same colours as the dashboard's state words; amber for locked (it
// needs the user), a pale grey for no vault.
const COLOURS: Record<TrayState, [number, number, number]> = {
  idle: [0x2e, 0x9e, 0x5b],
  syncing: [0x2f, 0x6f, 0xd6],
  paused: [0x8a, 0x8f, 0x98],
  error: [0xd0, 0x3b, 0x3b],
  locked: [0xd9, 0x8e, 0x04],
  off: [0xc4, 0xc7, 0xcc],
};

/**
 * A filled circle with a soft edge, as BGRA pixels for nativeImage.createFromBitmap. Locked is a ring
 * (hollow centre), so it differs from the others by shape as well as colour.
 */
export function trayIconBitmap(state: TrayState, size = 32): Buffer {
  const [r, g, b] = COLOURS[state];
  const buf = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  const radius = size * 0.42;
  const hole = state === 'locked' ? size * 0.2 : 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const outer = Math.max(0, Math.min(1, radius - d + 0.5));
      const alpha = hole > 0 ? Math.min(outer, Math.max(0, Math.min(1, d - hole + 0.5))) : outer;
      const i = (y * size + x) * 4;
      buf[i] = b;
      buf[i + 1] = g;
      buf[i + 2] = r;
      buf[i + 3] = Math.round(alpha * 255);
    }
  }
  return buf;
}
