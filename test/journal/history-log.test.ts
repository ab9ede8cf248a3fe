import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileHistoryLog } from '../../src-main/engine/journal/history-log.ts';
import { JournalFormatError } from '../../src-main/engine/journal/journal-errors.ts';
import { encodeLine } from '../../src-main/engine/journal/line-codec.ts';
import type { HistoryAction, HistoryEntry } from '../../src-main/engine/ports/journal.ts';
import { FakeClock } from '../support/fake-clock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 15, 12);
const fixedClock = new FakeClock(NOW);
const ACTIONS: HistoryAction[] = ['upload', 'delete', 'rename', 'skip', 'error'];

/** Entry i: action cycles through ACTIONS, path "Dir<i%7>/File<i>.txt", one per minute. */
const entry = (i: number): HistoryEntry => ({
  time: new Date(NOW - 100_000 * 60_000 + i * 60_000).toISOString(),
  action: ACTIONS[i % ACTIONS.length]!,
  path: `Dir${i % 7}/File${i}.txt`,
  size: i,
  syncId: `s${Math.floor(i / 100)}`,
});

describe('FileHistoryLog', () => {
  it('answers newest first with paging and a total', async () => {
    const log = await FileHistoryLog.open(dir);
    await log.append([0, 1, 2, 3, 4].map(entry));
    const r = await log.query({ limit: 2, offset: 1 });
    expect(r.total).toBe(5);
    expect(r.entries).toEqual([entry(3), entry(2)]);
    expect((await log.query()).entries.map((e) => e.size)).toEqual([4, 3, 2, 1, 0]);
    await log.close();
  });

  it('filters by actions and by pathContains, ignoring case', async () => {
    const log = await FileHistoryLog.open(dir);
    await log.append(Array.from({ length: 50 }, (_, i) => entry(i)));
    const uploads = await log.query({ actions: ['upload'], limit: 3 });
    expect(uploads.total).toBe(10);
    expect(uploads.entries.map((e) => e.size)).toEqual([45, 40, 35]);
    const byPath = await log.query({ pathContains: 'dIR3/', actions: ['upload', 'delete'] });
    const expected = Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 7 === 3 && i % 5 <= 1).reverse();
    expect(byPath.entries.map((e) => e.size)).toEqual(expected);
    expect(byPath.total).toBe(expected.length);
    expect((await log.query({ pathContains: 'nowhere' })).total).toBe(0);
    await log.close();
  });

  it('persists across reopen and keeps the cache in step with later appends', async () => {
    const log = await FileHistoryLog.open(dir);
    await log.append([entry(0), entry(1)]);
    expect((await log.query()).total).toBe(2); // loads the cache
    await log.append([entry(2)]);
    expect((await log.query({ limit: 1 })).entries).toEqual([entry(2)]);
    await log.close();
    const again = await FileHistoryLog.open(dir);
    expect((await again.query()).entries).toEqual([entry(2), entry(1), entry(0)]);
    await again.close();
  });

  it('rotates segments, and drops the oldest past maxSegments', async () => {
    const log = await FileHistoryLog.open(dir, { segmentBytes: 2_000, maxSegments: 3 });
    for (let i = 0; i < 40; i++) await log.append([entry(i)]);
    const loaded = await log.query({ limit: 10_000 });
    for (let i = 40; i < 80; i++) await log.append([entry(i)]);
    const files = (await readdir(dir)).sort();
    expect(files.length).toBe(3);
    const cached = await log.query({ limit: 10_000 });
    await log.close();
    const again = await FileHistoryLog.open(dir, { segmentBytes: 2_000, maxSegments: 3 });
    const fromDisk = await again.query({ limit: 10_000 });
    // What the cache says equals what the files say, and the newest entries survived.
    expect(cached).toEqual(fromDisk);
    expect(fromDisk.entries[0]).toEqual(entry(79));
    expect(fromDisk.total).toBeLessThan(80);
    expect(loaded.total).toBeGreaterThan(0);
    await again.close();
  });

  it('ignores a torn last line and appends after it cleanly', async () => {
    const log = await FileHistoryLog.open(dir);
    await log.append([entry(0)]);
    await log.close();
    const torn = encodeLine(entry(1));
    await appendFile(join(dir, 'history-000001.jsonl'), torn.subarray(0, 20));
    const again = await FileHistoryLog.open(dir);
    await again.append([entry(2)]);
    expect((await again.query()).entries).toEqual([entry(2), entry(0)]);
    await again.close();
  });

  it('cuts a whole last line whose checksum fails (a complete line is not trusted for ending in a newline)', async () => {
    const log = await FileHistoryLog.open(dir);
    await log.append([entry(0)]);
    await log.close();
    const damaged = Buffer.from(encodeLine(entry(1)));
    damaged[12] = damaged[12] === 0x41 ? 0x42 : 0x41; // inside the JSON: the CRC no longer matches
    await appendFile(join(dir, 'history-000001.jsonl'), damaged);
    const before = (await stat(join(dir, 'history-000001.jsonl'))).size;
    const again = await FileHistoryLog.open(dir);
    expect((await stat(join(dir, 'history-000001.jsonl'))).size).toBe(before - damaged.length);
    await again.append([entry(2)]);
    expect((await again.query()).entries).toEqual([entry(2), entry(0)]);
    await again.close();
  });

  it('opens a segment whose good last line is longer than the tail it reads first', async () => {
    const log = await FileHistoryLog.open(dir);
    const long: HistoryEntry = { ...entry(0), path: `big/${'x'.repeat(70_000)}` };
    await log.append([long]);
    await log.close();
    const again = await FileHistoryLog.open(dir);
    await again.append([entry(1)]);
    expect((await again.query()).entries).toEqual([entry(1), long]);
    await again.close();
  });

  it('sums upload bytes per UTC day for the dashboard', async () => {
    const log = await FileHistoryLog.open(dir, { clock: fixedClock });
    const at = (ms: number, action: HistoryAction, size: number): HistoryEntry => ({ time: new Date(ms).toISOString(), action, size });
    await log.append([
      at(NOW, 'upload', 100),
      at(NOW - 1000, 'upload', 5),
      at(NOW - DAY, 'upload', 7),
      at(NOW - DAY, 'delete', 999),
      at(NOW - 3 * DAY, 'upload', 1), // outside a 3-day window
    ]);
    expect(await log.bytesPerDay(3)).toEqual([
      { day: '2025-06-13', bytes: 0 },
      { day: '2025-06-14', bytes: 7 },
      { day: '2025-06-15', bytes: 105 },
    ]);
    await expect(log.bytesPerDay(0)).rejects.toThrow(/days/);
    await log.close();
  });

  it('rejects bad entries and bad queries with the field at fault', async () => {
    const log = await FileHistoryLog.open(dir);
    await expect(log.append([{ time: 'yesterday', action: 'upload' }])).rejects.toThrow(/time/);
    await expect(log.append([{ time: new Date().toISOString(), action: 'explode' as HistoryAction }])).rejects.toThrow(/action/);
    await expect(log.query({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(log.query({ offset: -1 })).rejects.toThrow(/offset/);
    expect((await log.query()).total).toBe(0);
    await log.close();
  });

  it('refuses a segment of an unknown version, naming the file', async () => {
    await writeFile(join(dir, 'history-000001.jsonl'), encodeLine({ format: 'coffer-history', version: 9 }));
    const log = await FileHistoryLog.open(dir);
    await expect(log.query()).rejects.toBeInstanceOf(JournalFormatError);
    await expect(log.query()).rejects.toThrow(/history-000001\.jsonl: history format version 9/);
    await log.close();
  });
});

describe('FileHistoryLog with 100,000 entries', () => {
  it('pages, filters and counts correctly, from the cache and after reopen', async () => {
    const N = 100_000;
    const log = await FileHistoryLog.open(dir);
    for (let start = 0; start < N; start += 5_000) {
      await log.append(Array.from({ length: 5_000 }, (_, k) => entry(start + k)));
    }
    expect((await readdir(dir)).length).toBeGreaterThan(1); // ~14 MB: rotated at 10 MiB
    const check = async (l: FileHistoryLog) => {
      const newest = await l.query({ limit: 100 });
      expect(newest.total).toBe(N);
      expect(newest.entries.map((e) => e.size)).toEqual(Array.from({ length: 100 }, (_, k) => N - 1 - k));
      const page = await l.query({ limit: 10, offset: 5_000, actions: ['delete'] });
      expect(page.total).toBe(N / 5);
      // Deletes are i % 5 === 1, the newest is 99,996; skip 5,000 of them.
      expect(page.entries.map((e) => e.size)).toEqual(Array.from({ length: 10 }, (_, k) => N - 4 - 5 * (5_000 + k)));
      const needle = await l.query({ pathContains: 'file99999.TXT' });
      expect(needle.entries.map((e) => e.size)).toEqual([99_999]);
    };
    await check(log);
    await log.close();
    const again = await FileHistoryLog.open(dir);
    await check(again);
    await again.close();
  });
});
