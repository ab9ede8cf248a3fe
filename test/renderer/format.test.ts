import { describe, expect, it } from 'vitest';
import {
  formatBytes, formatBytesExact, formatCount, formatExactTime, formatRelative, formatTime, formatTimeRange, middleEllipsis,
} from '../../src-renderer/lib/format.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;

describe('sizes', () => {
  it('reads in binary units, with the exact count for a title', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(114_156_968)).toBe('109 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatBytesExact(114_156_968)).toBe('114,156,968 bytes');
    expect(formatBytesExact(1)).toBe('1 byte');
  });

  it('counts with separators and the right number', () => {
    expect(formatCount(1, 'file')).toBe('1 file');
    expect(formatCount(1_000_000, 'entry', 'entries')).toBe('1,000,000 entries');
  });
});

describe('relative times (injected now)', () => {
  it('says how long ago, and falls back to the date after a week', () => {
    expect(formatRelative(ago(10_000), NOW)).toBe('just now');
    expect(formatRelative(ago(2 * MIN), NOW)).toBe('2 min ago');
    expect(formatRelative(ago(3 * 60 * MIN), NOW)).toBe('3 h ago');
    expect(formatRelative(ago(30 * 60 * MIN), NOW)).toBe('yesterday');
    expect(formatRelative(ago(4 * 24 * 60 * MIN), NOW)).toBe('4 days ago');
    expect(formatRelative(ago(5 * MIN * -1), NOW)).toBe('in 5 min');
    const old = ago(30 * 24 * 60 * MIN);
    expect(formatRelative(old, NOW)).toBe(formatTime(old));
  });

  it('shows what it cannot parse as given, and a dash for nothing', () => {
    expect(formatRelative('soon', NOW)).toBe('soon');
    expect(formatRelative(undefined, NOW)).toBe('—');
  });

  it('gives the exact local time with its zone, agreeing with formatTime', () => {
    const t = '2026-11-27T09:05:07Z';
    const exact = formatExactTime(t);
    expect(exact.startsWith(`${formatTime(t)}:07 `)).toBe(true);
    const d = new Date(t);
    const off = -d.getTimezoneOffset();
    expect(exact.endsWith(off === 0 ? ' UTC' : `:${String(Math.abs(off) % 60).padStart(2, '0')}`)).toBe(true);
  });

  it('writes a span on one day as HH:MM–HH:MM', () => {
    const a = '2026-11-27T09:00:00', b = '2026-11-27T11:00:00'; // local times: no zone, same day anywhere
    expect(formatTimeRange(a, b)).toBe('2026-11-27 09:00–11:00');
    expect(formatTimeRange(a, '2026-11-28T08:00:00')).toBe('2026-11-27 09:00 – 2026-11-28 08:00');
    expect(formatTimeRange(a, a)).toBe('2026-11-27 09:00');
  });
});

describe('middle ellipsis', () => {
  it('keeps short text whole', () => {
    expect(middleEllipsis('a/b.txt', 10)).toBe('a/b.txt');
  });

  it('keeps the file name and cuts the folders in the middle', () => {
    const p = 'photos/2024/summer/holiday-in-the-south/day-3/beach.jpg';
    const s = middleEllipsis(p, 30);
    expect([...s]).toHaveLength(30);
    expect(s.endsWith('/beach.jpg')).toBe(true);
    expect(s.startsWith('photos/2024/')).toBe(true);
    expect(s).toContain('…');
  });

  it('cuts a name too long to fit in its own middle, keeping the extension', () => {
    const s = middleEllipsis(`dir/${'x'.repeat(80)}.pdf`, 20);
    expect([...s]).toHaveLength(20);
    expect(s.endsWith('.pdf')).toBe(true);
    expect(s.startsWith('dir/')).toBe(true);
  });

  it('never splits a character outside the BMP', () => {
    const s = middleEllipsis(`${'😀'.repeat(30)}/a.txt`, 12);
    expect(s).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/u);
    expect(s.endsWith('/a.txt')).toBe(true);
  });
});
