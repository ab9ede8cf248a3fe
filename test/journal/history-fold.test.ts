import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileHistoryLog } from '../../src-main/engine/journal/history-log.ts';
import type { HistoryEntry } from '../../src-main/engine/ports/journal.ts';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { MaintainedSyncer } from '../support/maintained-syncer.ts';
import { sandbox, freshRemote, type Sandbox } from '../engine/harness.ts';
import { FakeClock } from '../support/fake-clock.ts';

const T0 = Date.UTC(2026, 10, 27, 9);
const MIN = 60_000;
const at = (min: number) => new Date(T0 + min * MIN).toISOString();
const NOTHING = 'uploaded 0, renamed 0, deleted 0, pulled 0, conflicts 0, skipped 0, errors 0';
const check = (min: number): HistoryEntry => ({ time: at(min), action: 'sync', reason: NOTHING, size: 0 });
const upload = (min: number, path: string): HistoryEntry => ({ time: at(min), action: 'upload', path, size: 10 });
const busy = (min: number): HistoryEntry => ({ time: at(min), action: 'sync', reason: 'uploaded 1, renamed 0, deleted 0, pulled 0, conflicts 0, skipped 0, errors 0', size: 10 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-history-fold-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Oldest first: 3 checks, an upload pass, 12 checks (09:10–11:00), an upload pass, 1 check. */
function day(): HistoryEntry[] {
  return [
    check(0), check(1), check(2), upload(5, 'a.txt'), busy(5),
    ...Array.from({ length: 12 }, (_, i) => check(10 + i * 10)),
    upload(125, 'b.txt'), busy(125), check(130),
  ];
}

const shape = (entries: HistoryEntry[]) => entries.map((e) => (e.folded ? `${e.folded.count}×` : e.action));

describe('history: no-change passes folded', () => {
  it('folds each run of no-change passes into one row, counted and spanned, and pages over rows', async () => {
    const log = await FileHistoryLog.open(dir);
    await log.append(day());
    expect((await log.query({ limit: 100 })).total).toBe(20);
    const folded = await log.query({ limit: 100, foldNoChange: true });
    expect(folded.total).toBe(7);
    expect(shape(folded.entries)).toEqual(['1×', 'sync', 'upload', '12×', 'sync', 'upload', '3×']);
    expect(folded.entries[3]).toMatchObject({ action: 'sync', time: at(120), folded: { count: 12, since: at(10) } });
    expect(folded.entries[6]).toMatchObject({ time: at(2), folded: { count: 3, since: at(0) } });
    // Paging is over rows, so offset/limit agree with what the list shows.
    const page = await log.query({ limit: 3, offset: 3, foldNoChange: true });
    expect(page.total).toBe(7);
    expect(shape(page.entries)).toEqual(['12×', 'sync', 'upload']);
    // Folding is a view: a plain query still returns every stored line, none marked.
    const plain = await log.query({ limit: 100 });
    expect(plain.entries.filter((e) => e.reason === NOTHING)).toHaveLength(16);
    expect(plain.entries.some((e) => e.folded !== undefined)).toBe(false);
    await log.close();
  });

  it('folds runs among the matches of a filter, and the same rows after appends and a reopen', async () => {
    let log = await FileHistoryLog.open(dir);
    await log.query({ limit: 1, foldNoChange: true }); // loads the index, so the appends below update it
    await log.append(day());
    await log.append([check(140), check(150)]);
    const live = await log.query({ limit: 100, foldNoChange: true });
    expect(live.entries[0]).toMatchObject({ time: at(150), folded: { count: 3, since: at(130) } });
    // Only sync lines: the busy passes still split the runs.
    const syncs = await log.query({ limit: 100, actions: ['sync'], foldNoChange: true });
    expect(shape(syncs.entries)).toEqual(['3×', 'sync', '12×', 'sync', '3×']);
    // A filtered page that starts inside a run shows the run from there on, counted on its page only once.
    expect(shape((await log.query({ limit: 2, offset: 2, actions: ['sync'], foldNoChange: true })).entries)).toEqual(['12×', 'sync']);
    await log.close();
    log = await FileHistoryLog.open(dir);
    expect(await log.query({ limit: 100, foldNoChange: true })).toEqual(live);
    await log.close();
  });
});

describe('history: a time range', () => {
  it('keeps entries with since <= time < until, and folds within it', async () => {
    const log = await FileHistoryLog.open(dir);
    await log.append(day());
    const r = await log.query({ limit: 100, since: at(10), until: at(125) });
    expect(r.total).toBe(12);
    expect(r.entries.every((e) => e.reason === NOTHING)).toBe(true);
    const folded = await log.query({ limit: 100, since: at(10), until: at(125), foldNoChange: true });
    expect(folded.entries).toEqual([{ ...check(120), folded: { count: 12, since: at(10) } }]);
    // With other filters: uploads on or after 09:05.
    expect((await log.query({ limit: 100, since: at(5), actions: ['upload'] })).entries.map((e) => e.path)).toEqual(['b.txt', 'a.txt']);
    expect((await log.query({ limit: 100, until: at(5), actions: ['upload'] })).total).toBe(0);
    await log.close();
  });

  it('refuses a time that is not ISO-8601, naming the field', async () => {
    const log = await FileHistoryLog.open(dir);
    await expect(log.query({ since: 'yesterday' })).rejects.toThrow(/since/);
    await log.close();
  });
});

describe('history over a real vault', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('records where a renamed file came from, and folds the passes that found nothing', async () => {
    sb = await sandbox();
    const past = new Date(Date.now() - 3_600_000);
    await writeFile(join(sb.folder, 'report.txt'), 'the quarterly report');
    await utimes(join(sb.folder, 'report.txt'), past, past);
    const r = await freshRemote('file', sb);
    const { vault } = await LocalVault.init(sb.env, { folder: sb.folder, remote: r.remote, keyRef: 'passphrase' });
    const syncer = new MaintainedSyncer(vault);
    await syncer.sync();
    expect((await syncer.sync()).noChange).toBe(true);
    expect((await syncer.sync()).noChange).toBe(true);
    await rename(join(sb.folder, 'report.txt'), join(sb.folder, 'report-2026.txt'));
    expect((await syncer.sync()).renamed).toBe(1);

    const renames = await vault.queryHistory({ actions: ['rename'] });
    expect(renames.entries).toEqual([expect.objectContaining({ path: 'report-2026.txt', from: 'report.txt' })]);
    const rows = await vault.queryHistory({ limit: 100, foldNoChange: true });
    const folded = rows.entries.filter((e) => e.folded);
    expect(folded).toHaveLength(1);
    expect(folded[0]!.folded!.count).toBe(2);
    expect(rows.total).toBe((await vault.queryHistory({ limit: 100 })).total - 1);
    await vault.close();
  });
});

describe('history: bytes per day in the viewer\'s zone', () => {
  it('cuts days at the zone\'s midnight, so an upload at 23:30 UTC counts for the next day east of UTC', async () => {
    const now = Date.UTC(2026, 10, 27, 12);
    const log = await FileHistoryLog.open(dir, { clock: new FakeClock(now) });
    await log.append([
      { time: '2026-11-26T23:30:00Z', action: 'upload', path: 'late.txt', size: 30 },
      { time: '2026-11-27T08:00:00Z', action: 'upload', path: 'morning.txt', size: 8 },
    ]);
    expect(await log.bytesPerDay(2)).toEqual([{ day: '2026-11-26', bytes: 30 }, { day: '2026-11-27', bytes: 8 }]);
    // UTC+01:00: 23:30 UTC is 00:30 on the 27th.
    expect(await log.bytesPerDay(2, 60)).toEqual([{ day: '2026-11-26', bytes: 0 }, { day: '2026-11-27', bytes: 38 }]);
    // UTC-10:00: 08:00 UTC is 22:00 on the 26th, and "today" there is still the 27th (02:00).
    expect(await log.bytesPerDay(2, -600)).toEqual([{ day: '2026-11-26', bytes: 38 }, { day: '2026-11-27', bytes: 0 }]);
    await expect(log.bytesPerDay(2, 15 * 60)).rejects.toThrow(/utcOffsetMinutes/);
    await log.close();
  });
});
