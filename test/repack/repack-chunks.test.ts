import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { snapshot } from '../engine/harness.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { GetLog } from '../support/get-log.ts';
import { DAY, headFiles, repackTests, storedObjects } from './repack-support.ts';

const MB = 1_000_000;

/** `n` files of 1.5 MB random bytes: each cut into one or two chunks, all in one chunk pack (8 MiB) while n ≤ 5. */
async function writeLargeFiles(folder: string, n: number): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `big${i}.bin`);
  for (const name of names) await writeFile(join(folder, name), randomBytes(1.5 * MB));
  return names;
}

describe('chunk packs (format 4)', () => {
  const t = repackTests();

  it('a restore of one file reads only its own chunks, each with one Range GET of its message', async () => {
    const sb = await t.sandbox();
    const names = await writeLargeFiles(sb.folder, 5);
    let log!: GetLog;
    const { vault, syncer } = await t.vault(sb, 'file', (s: BlobStore) => (log = new GetLog(s)));
    await syncer.sync();
    const files = await headFiles(vault);
    const one = files.get(names[2]!)!;
    expect(new Set([...files.values()].flatMap((e) => e.chunks!.map((c) => c.object))).size).toBe(1); // one pack for all
    log.gets.length = 0;
    const out = join(sb.root, 'one');
    expect((await vault.restore(out, { path: names[2]! })).problems).toEqual([]);
    expect(await readFile(join(out, names[2]!))).toEqual(await readFile(join(sb.folder, names[2]!)));
    const data = log.gets.filter((g) => g.id === one.chunks![0]!.object).map(({ id, range }) => ({ id, range }));
    expect(data).toEqual(one.chunks!.map((c) => ({ id: c.object, range: { start: c.offset, end: c.offset + c.sealed! - 1 } })));
    const read = data.reduce((n, g) => n + g.range!.end - g.range!.start + 1, 0);
    expect(read).toBeLessThan(1.6 * MB); // its own 1.5 MB and the messages' overhead, not the 7.5 MB pack
  });

  it('rewrites a mostly dead chunk pack by moving its live messages as they are; after retention the old pack is gone', async () => {
    const sb = await t.sandbox();
    const names = await writeLargeFiles(sb.folder, 5);
    const { vault, syncer, clock, t0 } = await t.vault(sb, 'file');
    await syncer.sync(); // day 0: one chunk pack of five files
    const before = await headFiles(vault);
    const oldPack = before.get(names[0]!)!.chunks![0]!.object;
    const kept = names.slice(0, 1);
    for (const n of names.slice(1)) await rm(join(sb.folder, n));
    clock.setNow(t0 + 2 * DAY);
    const r = await syncer.sync({ allowMassDelete: true }); // 1.5 MB of 7.5 MB live: the day's repack rewrites it
    expect(r.warnings).toEqual([]);
    expect(r.repacked).toMatchObject({ packs: 1, files: 1 });
    expect(r.repacked!.freedBytes).toBeGreaterThan(5.5 * MB);
    const after = await headFiles(vault);
    for (const n of kept) {
      const [was, now] = [before.get(n)!.chunks!, after.get(n)!.chunks!];
      expect(now.every((c) => c.object !== oldPack && c.kind === 'chunk')).toBe(true);
      // The same messages (same ids and lengths), at new places: moved, not sealed again.
      expect(now.map((c) => [c.id, c.message, c.sealed, c.length])).toEqual(was.map((c) => [c.id, c.message, c.sealed, c.length]));
    }
    expect((await storedObjects(vault)).has(oldPack)).toBe(true); // older snapshots still name it

    clock.setNow(t0 + 45 * DAY);
    await syncer.sync();
    const objects = await storedObjects(vault);
    expect(objects.has(oldPack)).toBe(false);
    const out = join(sb.root, 'restored');
    expect((await vault.restore(out)).problems).toEqual([]);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
    const verified = await vault.verify();
    expect(verified.bad).toEqual([]);
    expect(verified.unreferenced.count).toBe(0);
  });

  it('leaves a chunk pack alone while at least half of it is live', async () => {
    const sb = await t.sandbox();
    const names = await writeLargeFiles(sb.folder, 4);
    const { vault, syncer, clock, t0 } = await t.vault(sb, 'file');
    await syncer.sync();
    const pack = (await headFiles(vault)).get(names[0]!)!.chunks![0]!.object;
    for (const n of names.slice(0, 1)) await rm(join(sb.folder, n));
    clock.setNow(t0 + 2 * DAY);
    const r = await syncer.sync();
    expect(r.repacked).toEqual({ packs: 0, files: 0, freedBytes: 0, rootId: null });
    expect([...(await headFiles(vault)).values()].every((e) => e.chunks!.every((c) => c.object === pack))).toBe(true);
  });
});
