import { describe, it, expect } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { snapshot } from '../engine/harness.ts';
import { FaultyStore, type FaultRule } from '../support/faulty-store.ts';
import { ForwardingStore } from '../../src-main/engine/store/forwarding-store.ts';
import type { BlobBody, PutOptions, PutResult } from '../../src-main/engine/ports/blob-store.ts';
import { DAY, headFiles, packOf, repackTests, storedObjects, writeSmallFiles } from './repack-support.ts';

/**
 * The repack stops at each of its writes: the new pack, the changed segment, the new root, the head, and a
 * head write that lands but whose answer is lost. Whatever the point, the vault stays consistent (every
 * object a root names is there, everything restores), the next maintenance finishes the job, and what the
 * stopped repack left is unreferenced and goes with a later prune.
 */
const points: { name: string; rule: FaultRule; headMoved: boolean }[] = [
  { name: 'storing the new pack', rule: { ops: ['put'], keyPrefix: 'objects/', nth: 1 }, headMoved: false },
  { name: 'storing the changed segment', rule: { ops: ['put'], keyPrefix: 'objects/', nth: 2 }, headMoved: false },
  { name: 'storing the new root', rule: { ops: ['put'], keyPrefix: 'objects/', nth: 3 }, headMoved: false },
  { name: 'moving the head', rule: { ops: ['put'], keyPrefix: 'head', nth: 1 }, headMoved: false },
  { name: 'moving the head, answer lost', rule: { ops: ['put'], keyPrefix: 'head', nth: 1, afterWrite: true }, headMoved: true },
];

describe('a repack that stops midway', () => {
  const t = repackTests();

  it.each(points)('stopped at $name: the vault stays consistent and a later repack finishes', async ({ rule, headMoved }) => {
    const sb = await t.sandbox();
    let faulty: FaultyStore | undefined;
    const rv = await t.vault(sb, 'file', (s) => (faulty = new FaultyStore(s)));
    const { vault, syncer, clock, t0 } = rv;
    const names = await writeSmallFiles(sb.folder, 20, 10_000);
    await syncer.sync(); // day 0: the pack, and the first prune
    const oldPack = packOf(await headFiles(vault), names);
    for (const n of names.slice(2)) await rm(join(sb.folder, n));
    clock.setNow(t0 + 3_600_000);
    const deletion = await syncer.sync({ allowMassDelete: true }); // no prune due yet, so no repack
    expect(deletion.repacked).toBeUndefined();

    faulty!.rules.push(rule);
    clock.setNow(t0 + 2 * DAY);
    const stopped = await syncer.sync(); // nothing to commit; the prune, then the repack, which fails
    expect(faulty!.failures).toBe(1);
    expect(stopped.warnings).toEqual([expect.stringMatching(/^repacking mostly unused packs failed/)]);
    const head = await vault.manifest.readHead();
    if (headMoved) expect(head!.head.rootId).not.toBe(deletion.index.rootId);
    else expect(head!.head.rootId).toBe(deletion.index.rootId);
    const afterStop = await vault.verify();
    expect(afterStop.bad).toEqual([]);
    const out = join(sb.root, 'restored');
    expect((await vault.restore(out)).problems).toEqual([]);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));

    faulty!.rules = [];
    clock.setNow(t0 + 4 * DAY);
    const next = await syncer.sync();
    expect(next.warnings).toEqual([]);
    // A head that moved unheard already names the new pack: the pass takes it up and nothing is left to do.
    expect(next.repacked).toMatchObject(headMoved ? { packs: 0, rootId: null } : { packs: 1, files: 2 });
    const newPack = packOf(await headFiles(vault), names.slice(0, 2));
    expect(newPack).not.toBe(oldPack);

    clock.setNow(t0 + 45 * DAY);
    await syncer.sync(); // retention: the old roots, the old pack and what the stopped repack left all go
    const objects = await storedObjects(vault);
    expect(objects.has(oldPack)).toBe(false);
    expect(objects.has(newPack)).toBe(true);
    const final = await vault.verify();
    expect(final.bad).toEqual([]);
    expect(final.unreferenced.count).toBe(0);
    const again = join(sb.root, 'restored-again');
    expect((await vault.restore(again)).problems).toEqual([]);
    expect(await snapshot(again)).toEqual(await snapshot(sb.folder));
  });

  it('does not commit when a prune deleted its new pack meanwhile (a repack slower than the grace period)', async () => {
    const sb = await t.sandbox();
    let store: PruneRace | undefined;
    const rv = await t.vault(sb, 'file', (s) => (store = new PruneRace(s)));
    const { vault, syncer, clock, t0 } = rv;
    const names = await writeSmallFiles(sb.folder, 20, 10_000);
    await syncer.sync();
    for (const n of names.slice(2)) await rm(join(sb.folder, n));
    clock.setNow(t0 + 3_600_000);
    const deletion = await syncer.sync({ allowMassDelete: true });
    store!.armed = true;
    clock.setNow(t0 + 2 * DAY);
    const r = await syncer.sync();
    expect(store!.deleted).toHaveLength(1);
    expect(r.warnings).toEqual([expect.stringMatching(/repacking mostly unused packs failed.*is no longer in the bucket/)]);
    expect((await vault.manifest.readHead())!.head.rootId).toBe(deletion.index.rootId);
    expect((await vault.verify()).bad).toEqual([]);
  });
});

/** Deletes the first object stored under objects/ once armed, as another device's prune would. */
class PruneRace extends ForwardingStore {
  armed = false;
  readonly deleted: string[] = [];

  override async put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    const res = await super.put(key, body, opts);
    if (this.armed && key.startsWith('objects/')) {
      this.armed = false;
      await this.inner.delete(key);
      this.deleted.push(key);
    }
    return res;
  }
}
