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

/** A byte count exactly, for a title beside a rounded size: "114,156,968 bytes". */
export function formatBytesExact(n: number): string {
  return `${n.toLocaleString('en')} ${n === 1 ? 'byte' : 'bytes'}`;
}

/** A count with thousands separators, and the noun in the right number: "1,234 files", "1 file". */
export function formatCount(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/**
 * The exact local time with its zone, for a hover title: "2026-11-27 13:00:05 UTC+01:00". The same local
 * time as formatTime, so what the list shows and what the title says never disagree.
 */
export function formatExactTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'UTC' : `UTC${off > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${formatTime(iso)}:${pad(d.getSeconds())} ${zone}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago (or until) iso is, where that reads better than a date: "just now", "2 min ago",
 * "3 h ago", "yesterday", "4 days ago", "in 5 min". A week or more away shows the local date and time.
 * `now` is passed in so tests (and one render) use one clock.
 */
export function formatRelative(iso: string | undefined, now: number): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const ago = now - t;
  const abs = Math.abs(ago);
  const say = (s: string) => (ago >= 0 ? `${s} ago` : `in ${s}`);
  if (abs < 45_000) return 'just now';
  if (abs < HOUR) return say(`${Math.max(1, Math.round(abs / MINUTE))} min`);
  if (abs < DAY) return say(`${Math.round(abs / HOUR)} h`);
  if (abs < 2 * DAY && ago > 0) return 'yesterday';
  if (abs < 7 * DAY) return say(`${Math.round(abs / DAY)} days`);
  return formatTime(iso);
}

/** "09:00–11:00" on one local day, else both ends in full: the span a folded group of entries covers. */
export function formatTimeRange(fromIso: string, toIso: string): string {
  const a = formatTime(fromIso);
  const b = formatTime(toIso);
  if (a === b) return a;
  return a.slice(0, 10) === b.slice(0, 10) ? `${a}–${b.slice(11)}` : `${a} – ${b}`;
}

/**
 * Shortens text to at most `max` characters by cutting its middle, so the end (a path's file name) stays
 * visible: "photos/2024/…/holiday/beach.jpg". A name too long for that is cut in its own middle, so its
 * start and its extension still show.
 */
export function middleEllipsis(text: string, max: number): string {
  const chars = [...text]; // by code point, so a cut never splits a surrogate pair
  if (chars.length <= max) return text;
  if (max < 2) return '…';
  const slash = text.lastIndexOf('/');
  const tail = [...(slash >= 0 ? text.slice(slash) : text)];
  // Keep the whole name when it fits beside a little of the start; otherwise split the budget.
  const keepEnd = tail.length <= max - 4 ? tail.length : Math.ceil((max - 1) / 2);
  const keepStart = max - 1 - keepEnd;
  return `${chars.slice(0, keepStart).join('')}…${chars.slice(chars.length - keepEnd).join('')}`;
}
