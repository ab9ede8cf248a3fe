// How numbers, sizes, times and states read in the UI.
import type { SyncState } from './api-types.ts';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`;
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined) return 'estimating…';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min left`;
  return `${(seconds / 3600).toFixed(1)} h left`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local date and time as YYYY-MM-DD HH:MM; an unparsable value is shown as given. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDate(iso: string | undefined): string {
  return formatTime(iso).slice(0, 10);
}

/** Whole days from now until iso, rounded up, never below 0. */
export function daysUntil(iso: string, now: number): number {
  return Math.max(0, Math.ceil((new Date(iso).getTime() - now) / 86_400_000));
}

export const STATE_LABEL: Record<SyncState, string> = {
  'up-to-date': 'Up to date',
  syncing: 'Syncing',
  paused: 'Paused',
  error: 'Error',
  'not-configured': 'Not set up',
};

/**
 * A path as people read it. A name that is not UTF-8 arrives with each undecodable byte as a lone
 * surrogate U+DC80–U+DCFF (the engine's byte-exact form); show those bytes as \xHH, as the CLI does.
 */
export function formatPath(p: string): string {
  return p.replace(/[\uD800-\uDFFF]/gu, (c) => {
    const u = c.charCodeAt(0);
    return u >= 0xdc80 && u <= 0xdcff ? `\\x${(u - 0xdc00).toString(16).toUpperCase()}` : '\uFFFD';
  });
}
