import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../../src-main/engine/journal/file-journal.ts';
import type { JournalRecord } from '../../src-main/engine/ports/journal.ts';
import type { UploadCheckpoint } from '../../src-main/engine/ports/blob-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coffer-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const intent = (objectId: string): JournalRecord => ({ type: 'intent', objectId, kind: 'pack', files: [] });
const cp = (parts: number): UploadCheckpoint => ({
  uploadId: 'up-1', partSize: 5 << 20, parts: Array.from({ length: parts }, (_, i) => ({ partNumber: i + 1, etag: `e${i}` })),
});

describe('checkpoints', () => {
  it('latest save wins, clear removes, and they never show in pending()', async () => {
    const j = await FileJournal.open(dir);
    const c = j.checkpoints('obj-1');
    expect(await c.load()).toBeNull();
    await c.save(cp(1));
    await c.save(cp(3));
    expect(await c.load()).toEqual(cp(3));
    expect(await j.checkpoints('obj-2').load()).toBeNull();
    expect(await j.pending()).toEqual([]);
    await c.clear();
    expect(await c.load()).toBeNull();
    await j.close();
  });

  it('survive a restart so a multipart upload resumes', async () => {
    const j = await FileJournal.open(dir);
    await j.checkpoints('obj-1').save(cp(2));
    await j.checkpoints('obj-2').save(cp(1));
    await j.checkpoints('obj-2').clear();
    await j.close();
    const again = await FileJournal.open(dir);
    expect(await again.checkpoints('obj-1').load()).toEqual(cp(2));
    expect(await again.checkpoints('obj-2').load()).toBeNull();
    await again.close();
  });

  it('rejects a malformed checkpoint and an empty object id', async () => {
    const j = await FileJournal.open(dir);
    await expect(j.checkpoints('o').save({ uploadId: '', partSize: 0, parts: [] })).rejects.toThrow(/upload checkpoint/);
    expect(() => j.checkpoints('')).toThrow(/objectId/);
    await j.close();
  });

  it('load() returns a copy the caller cannot use to change the journal', async () => {
    const j = await FileJournal.open(dir);
    await j.checkpoints('o').save(cp(1));
    const loaded = (await j.checkpoints('o').load())!;
    loaded.parts.push({ partNumber: 9, etag: 'x' });
    expect(await j.checkpoints('o').load()).toEqual(cp(1));
    await j.close();
  });
});

describe('compact()', () => {
  it('drops what the last commit covers, keeps the rest, and the file shrinks', async () => {
    const j = await FileJournal.open(dir);
    for (let i = 0; i < 200; i++) await j.append(intent(`old${i}`));
    await j.append({ type: 'committed', rootId: 'r7', seq: 7 });
    await j.append(intent('new1'));
    await j.checkpoints('new1').save(cp(2));
    const before = (await stat(join(dir, 'journal.jsonl'))).size;
    await j.compact();
    const after = (await stat(join(dir, 'journal.jsonl'))).size;
    expect(after).toBeLessThan(before / 10);
    // Appends after compaction go to the new file.
    await j.append({ type: 'uploaded', objectId: 'new1', size: 5 });
    await j.close();

    const again = await FileJournal.open(dir);
    expect(again.lastCommitted()).toEqual({ rootId: 'r7', seq: 7 });
    expect(await again.pending()).toEqual([intent('new1'), { type: 'uploaded', objectId: 'new1', size: 5 }]);
    expect(await again.checkpoints('new1').load()).toEqual(cp(2));
    await again.close();
    // No temp file is left beside the journal.
    expect((await readdir(dir)).sort()).toEqual(['journal.jsonl']);
  });

  it('appends racing a compaction are neither lost nor duplicated', async () => {
    const j = await FileJournal.open(dir);
    await j.append({ type: 'committed', rootId: 'r1', seq: 1 });
    const ids = Array.from({ length: 300 }, (_, i) => `o${i}`);
    const work: Promise<void>[] = [];
    ids.forEach((id, i) => {
      work.push(j.append(intent(id)));
      if (i % 50 === 25) work.push(j.compact());
    });
    await Promise.all(work);
    await j.close();
    const again = await FileJournal.open(dir);
    expect((await again.pending()).map((r) => (r as { objectId: string }).objectId)).toEqual(ids);
    await again.close();
  });
});
