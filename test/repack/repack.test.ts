import { describe, it, expect } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { snapshot, type RemoteKind } from '../engine/harness.ts';
import { s3SkipReason, s3TestConfig } from '../support/s3-env.ts';
import { DAY, headFiles, packOf, repackTests, storedObjects, totalBytes, writeSmallFiles } from './repack-support.ts';

const kinds: RemoteKind[] = ['file', 's3'];

describe.each(kinds)('repacking packs the head mostly no longer uses (%s)', (kind) => {
  const t = repackTests();
  const skip = kind === 's3' && !s3TestConfig();

  it.skipIf(skip)(`rewrites a mostly deleted pack; after retention the old pack is gone and the live files restore${skip ? ` (${s3SkipReason()})` : ''}`, async () => {
    const sb = await t.sandbox();
    const names = await writeSmallFiles(sb.folder, 20, 10_000);
    const rv = await t.vault(sb, kind);
    const { vault, syncer, clock, t0 } = rv;
    await syncer.sync(); // day 0: one pack of 20 files (and the first prune: nothing to repack)
    const oldPack = packOf(await headFiles(vault), names);
    const bytesWithAll = totalBytes(await storedObjects(vault));

    const kept = names.slice(0, 3);
    for (const n of names.slice(3)) await rm(join(sb.folder, n));
    clock.setNow(t0 + 2 * DAY);
    const r = await syncer.sync({ allowMassDelete: true }); // the deletions, then the day's prune and the repack: 30 KB of 200 KB live
    expect(r.warnings).toEqual([]);
    expect(r.repacked).toMatchObject({ packs: 1, files: 3 });
    expect(r.repacked!.freedBytes).toBeGreaterThan(150_000);
    const files = await headFiles(vault);
    const newPack = packOf(files, kept);
    expect(newPack).not.toBe(oldPack);
    // The old snapshots still need the old pack until retention lets them go.
    expect((await storedObjects(vault)).has(oldPack)).toBe(true);
    const history = await (await vault.history()).query({ actions: ['sync'] });
    expect(history.entries.map((e) => e.reason)).toContain('Repacked 1 packs: 3 files, 0.2 MiB freed after retention');

    clock.setNow(t0 + 45 * DAY);
    const later = await syncer.sync(); // the prune: the roots of day 0 and of the deletions are past retention
    expect(later.pruned!.rootsDeleted).toBe(2);
    const objects = await storedObjects(vault);
    expect(objects.has(oldPack)).toBe(false);
    expect(objects.has(newPack)).toBe(true);
    expect(totalBytes(objects)).toBeLessThan(bytesWithAll / 4);

    const out = join(sb.root, 'restored');
    expect((await vault.restore(out)).problems).toEqual([]);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
    expect(Object.keys(await snapshot(out))).toEqual(kept);
    const verified = await vault.verify();
    expect(verified.bad).toEqual([]);
    expect(verified.unreferenced.count).toBe(0);
  });
});

describe('a pack the head still mostly uses', () => {
  const t = repackTests();

  it('leaves a pack alone while at least half of it is live', async () => {
    const sb = await t.sandbox();
    const names = await writeSmallFiles(sb.folder, 10, 10_000);
    const rv = await t.vault(sb, 'file');
    const { vault, syncer, clock, t0 } = rv;
    await syncer.sync();
    const pack = packOf(await headFiles(vault), names);
    for (const n of names.slice(0, 4)) await rm(join(sb.folder, n));
    clock.setNow(t0 + 2 * DAY);
    const r = await syncer.sync();
    expect(r.repacked).toEqual({ packs: 0, files: 0, freedBytes: 0, rootId: null });
    const head = await vault.manifest.readHead();
    expect(head!.head.rootId).toBe(r.index.rootId);
    expect(packOf(await headFiles(vault), names.slice(4))).toBe(pack);
  });
});
