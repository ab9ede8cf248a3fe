import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, appendFile, stat } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../../src-main/engine/journal/file-journal.ts';
import { JournalClosedError, JournalFormatError, JournalLockedError } from '../../src-main/engine/journal/journal-errors.ts';
import { encodeLine } from '../../src-main/engine/journal/line-codec.ts';
import type { JournalRecord } from '../../src-main/engine/ports/journal.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const intent = (objectId: string): JournalRecord => ({
  type: 'intent', objectId, kind: 'data', files: [{ path: `a/${objectId}`, hash: 'ab', offset: 0, length: 3 }],
});
const journalFile = () => join(dir, 'journal.jsonl');

describe('FileJournal records', () => {
  it('starts with a versioned header and keeps records across reopen', async () => {
    const j = await FileJournal.open(dir);
    await j.append(intent('o1'));
    await j.append({ type: 'uploaded', objectId: 'o1', size: 10 });
    await j.close();
    const firstLine = (await readFile(journalFile(), 'utf8')).split('\n')[0]!;
    expect(JSON.parse(firstLine.slice(9))).toEqual({ format: 'coffer-journal', version: 1 });
    const again = await FileJournal.open(dir);
    expect(await again.pending()).toEqual([intent('o1'), { type: 'uploaded', objectId: 'o1', size: 10 }]);
    await again.close();
  });

  it('pending() returns only the records after the last committed one', async () => {
    const j = await FileJournal.open(dir);
    await j.append(intent('o1'));
    await j.append({ type: 'committed', rootId: 'r1', seq: 1 });
    await j.append(intent('o2'));
    await j.append({ type: 'abandoned', objectId: 'o2', reason: 'gone' });
    expect(await j.pending()).toEqual([intent('o2'), { type: 'abandoned', objectId: 'o2', reason: 'gone' }]);
    expect(j.lastCommitted()).toEqual({ rootId: 'r1', seq: 1 });
    await j.close();
  });

  it('many concurrent appends all become durable and keep their order', async () => {
    const j = await FileJournal.open(dir);
    const ids = Array.from({ length: 500 }, (_, i) => `o${i}`);
    await Promise.all(ids.map((id) => j.append(intent(id))));
    await j.close();
    const again = await FileJournal.open(dir);
    expect((await again.pending()).map((r) => (r as { objectId: string }).objectId)).toEqual(ids);
    await again.close();
  });

  it('rejects an invalid record with the field at fault', async () => {
    const j = await FileJournal.open(dir);
    await expect(j.append({ type: 'uploaded', objectId: 'o', size: -1 } as JournalRecord)).rejects.toThrow(/size/);
    await expect(j.append({ type: 'bogus' } as unknown as JournalRecord)).rejects.toThrow(TypeError);
    expect(await j.pending()).toEqual([]);
    await j.close();
  });

  it('refuses use after close', async () => {
    const j = await FileJournal.open(dir);
    await j.close();
    await expect(j.append(intent('o1'))).rejects.toBeInstanceOf(JournalClosedError);
    await expect(j.pending()).rejects.toBeInstanceOf(JournalClosedError);
    await j.close(); // idempotent
  });
});

describe('FileJournal damage and versions', () => {
  it('ignores and cuts a torn last line, then appends cleanly after it', async () => {
    const j = await FileJournal.open(dir);
    await j.append(intent('o1'));
    await j.close();
    const torn = encodeLine(intent('o2'));
    await appendFile(journalFile(), torn.subarray(0, torn.length - 5));
    const warnings: string[] = [];
    const again = await FileJournal.open(dir, { onWarning: (m) => warnings.push(m) });
    expect(again.recovery.tornTailBytes).toBe(torn.length - 5);
    expect(warnings.join()).toMatch(/torn/);
    expect(await again.pending()).toEqual([intent('o1')]);
    await again.append(intent('o3'));
    await again.close();
    const third = await FileJournal.open(dir);
    expect(third.recovery).toEqual({ tornTailBytes: 0, corruptLines: [] });
    expect(await third.pending()).toEqual([intent('o1'), intent('o3')]);
    await third.close();
  });

  it('a complete line missing only its newline counts as torn', async () => {
    const j = await FileJournal.open(dir);
    await j.close();
    const line = encodeLine(intent('o1'));
    await appendFile(journalFile(), line.subarray(0, line.length - 1));
    const again = await FileJournal.open(dir);
    expect(await again.pending()).toEqual([]);
    expect(again.recovery.tornTailBytes).toBe(line.length - 1);
    await again.close();
  });

  it('skips a corrupt line in the middle, reports it and keeps the others', async () => {
    const j = await FileJournal.open(dir);
    for (const id of ['o1', 'o2', 'o3']) await j.append(intent(id));
    await j.close();
    const lines = (await readFile(journalFile(), 'utf8')).split('\n');
    lines[2] = lines[2]!.replace('o2', 'oX'); // checksum no longer matches
    await writeFile(journalFile(), lines.join('\n'));
    const warnings: string[] = [];
    const again = await FileJournal.open(dir, { onWarning: (m) => warnings.push(m) });
    expect(again.recovery.corruptLines).toEqual([3]);
    expect(warnings.join()).toMatch(/corrupt lines 3/);
    expect(await again.pending()).toEqual([intent('o1'), intent('o3')]);
    await again.close();
  });

  it('refuses an unknown format version, naming the file and the version', async () => {
    await writeFile(journalFile(), encodeLine({ format: 'coffer-journal', version: 2 }));
    const err = await FileJournal.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalFormatError);
    expect(String(err)).toContain(journalFile());
    expect(String(err)).toMatch(/version 2 is not supported/);
    // The failed open must not leave the lock behind.
    await expect(stat(`${journalFile()}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a file that is not a journal', async () => {
    await writeFile(journalFile(), 'hello world\nsecond line\n');
    await expect(FileJournal.open(dir)).rejects.toThrow(/not a Coffer journal/);
    await writeFile(journalFile(), encodeLine({ format: 'other-thing', version: 1 }));
    await expect(FileJournal.open(dir)).rejects.toThrow(/not a Coffer journal/);
  });
});

describe('FileJournal lock', () => {
  it('refuses a second open while the first is live, and allows it after close', async () => {
    const j = await FileJournal.open(dir);
    const err = await FileJournal.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalLockedError);
    expect((err as JournalLockedError).pid).toBe(process.pid);
    await j.close();
    await expect(stat(`${journalFile()}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
    await (await FileJournal.open(dir)).close();
  });

  it('takes over a stale lock left by a dead process or a garbled lock file', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(dead.stdout.toString());
    expect(deadPid).toBeGreaterThan(0);
    await writeFile(`${journalFile()}.lock`, `${deadPid}\n`);
    await (await FileJournal.open(dir)).close();
    await writeFile(`${journalFile()}.lock`, 'garbage');
    await (await FileJournal.open(dir)).close();
  });

  it('refuses a lock held by another live process', async () => {
    // pid 1 is always alive (and usually not ours to signal: EPERM still means alive).
    await writeFile(`${journalFile()}.lock`, '1\n');
    await expect(FileJournal.open(dir)).rejects.toThrow(/held by process 1/);
  });
});
