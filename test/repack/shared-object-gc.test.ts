import { describe, it, expect } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { snapshot } from '../engine/harness.ts';
import { DAY, headFiles, repackTests, storedObjects } from './repack-support.ts';

/**
 * Content over 1 MiB is stored as chunks in chunk packs, each chunk shared by every entry with that content,
 * in any file and any snapshot. Garbage collection must count references across all of them: the pack stays
 * while any retained snapshot's entry names it, and goes once none does (repack-chunks.test.ts: packs that
 * are mostly dead are rewritten).
 */
describe('garbage collection of a chunk pack shared by files and versions', () => {
  const t = repackTests();

  it('keeps it while one retained entry names it, and removes it once none does', async () => {
    const sb = await t.sandbox();
    // One repeated byte: one content-defined chunk (no cut before the 8 MiB maximum), so one chunk pack of one chunk.
    const x = Buffer.alloc(1_500_000, 1);
    await writeFile(join(sb.folder, 'a.bin'), x);
    await writeFile(join(sb.folder, 'b.bin'), x);
    const rv = await t.vault(sb, 'file');
    const { vault, syncer, clock, t0 } = rv;
    await syncer.sync(); // day 0: a and b, one object
    const first = await headFiles(vault);
    const shared = first.get('a.bin')!.chunks![0]!;
    expect(shared.kind).toBe('chunk');
    expect(first.get('b.bin')!.chunks).toEqual([shared]);

    clock.setNow(t0 + DAY);
    await writeFile(join(sb.folder, 'a.bin'), Buffer.alloc(1_200_000, 2));
    await syncer.sync(); // a's second version
    const other = (await headFiles(vault)).get('a.bin')!.chunks![0]!.object;
    clock.setNow(t0 + 2 * DAY);
    await writeFile(join(sb.folder, 'a.bin'), x);
    await syncer.sync(); // a's third version is its first content again: the same object
    expect((await headFiles(vault)).get('a.bin')!.chunks).toEqual([shared]);

    clock.setNow(t0 + 3 * DAY);
    await rm(join(sb.folder, 'b.bin'));
    await syncer.sync(); // b deleted: a still names the object
    clock.setNow(t0 + 45 * DAY);
    const expired = await syncer.sync(); // every root but the newest is past retention
    expect(expired.pruned!.rootsDeleted).toBe(3);
    let objects = await storedObjects(vault);
    expect(objects.has(shared.object)).toBe(true);
    expect(objects.has(other)).toBe(false); // only a's second version named it
    const out = join(sb.root, 'restored');
    expect((await vault.restore(out)).problems).toEqual([]);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));

    clock.setNow(t0 + 46 * DAY);
    await rm(join(sb.folder, 'a.bin'));
    await syncer.sync({ allowMassDelete: true }); // the last entry that names it
    clock.setNow(t0 + 47 * DAY);
    await syncer.sync();
    expect((await storedObjects(vault)).has(shared.object)).toBe(true); // the state at the cutoff (day 3's root) still holds a
    clock.setNow(t0 + 90 * DAY);
    await syncer.sync();
    objects = await storedObjects(vault);
    expect(objects.has(shared.object)).toBe(false);
    expect((await vault.verify()).bad).toEqual([]);
  });
});
