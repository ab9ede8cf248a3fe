import { describe, it, expect } from 'vitest';
import { restoredCopyPath, restoreStamp } from '../../src-main/engine/restore/copy-name.ts';

const T = new Date('2026-12-01T21:18:40.123Z');

describe('restored copy names', () => {
  it('puts the local time before the extension, in the zone asked for', () => {
    expect(restoredCopyPath('notes/plan.txt', T, { timeZone: 'UTC' })).toBe('notes/plan (restored 2026-12-01 2118).txt');
    // +05:30: the same instant is the next day there.
    expect(restoredCopyPath('plan.txt', T, { timeZone: 'Asia/Kolkata' })).toBe('plan (restored 2026-12-02 0248).txt');
    expect(restoreStamp(T, 'America/New_York')).toBe('2026-12-01 1618');
  });

  it('keeps only the last extension, and gives hidden files and names without one the suffix at the end', () => {
    expect(restoredCopyPath('a.tar.gz', T, { timeZone: 'UTC' })).toBe('a.tar (restored 2026-12-01 2118).gz');
    expect(restoredCopyPath('.bashrc', T, { timeZone: 'UTC' })).toBe('.bashrc (restored 2026-12-01 2118)');
    expect(restoredCopyPath('Makefile', T, { timeZone: 'UTC' })).toBe('Makefile (restored 2026-12-01 2118)');
    expect(restoredCopyPath('odd. name', T, { timeZone: 'UTC' })).toBe('odd. name (restored 2026-12-01 2118)');
  });

  it('does not nest the suffix when a copy is restored again', () => {
    const later = new Date('2026-12-03T08:05:00Z');
    expect(restoredCopyPath('d/a (restored 2026-12-01 2118).txt', later, { timeZone: 'UTC' })).toBe('d/a (restored 2026-12-03 0805).txt');
    expect(restoredCopyPath('a (restored 2026-12-01 2118 3).txt', later, { timeZone: 'UTC' })).toBe('a (restored 2026-12-03 0805).txt');
    // The ISO form earlier versions wrote, after the extension.
    expect(restoredCopyPath('a.txt (restored 2026-12-01T21-18-40Z)', later, { timeZone: 'UTC' })).toBe('a (restored 2026-12-03 0805).txt');
  });

  it('counts up when the name is taken, and refuses an unknown zone in words', () => {
    expect(restoredCopyPath('a.txt', T, { timeZone: 'UTC', attempt: 2 })).toBe('a (restored 2026-12-01 2118 2).txt');
    expect(() => restoredCopyPath('a.txt', T, { timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone "Mars\/Olympus"/);
  });
});
