import { afterEach, describe, expect, it } from 'vitest';
import type { BlobBody, BlobStore, PutOptions, PutResult } from '../../src-main/engine/ports/blob-store.ts';
import { ForwardingStore } from '../../src-main/engine/store/forwarding-store.ts';
import { vaultConflicts } from '../../src-main/engine/use-cases/join-ops.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { s3TestConfig } from '../support/s3-env.ts';
import type { RemoteKind } from '../engine/harness.ts';
import { conflictPattern, firstClient, joinClient, type Client } from './clients.ts';

const DAY = 86_400_000;
const open: Client[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});
const track = (c: Client) => (open.push(c), c);

/** Holds the first head write back until `before()` has run: another device commits in the same moment. */
class RacingStore extends ForwardingStore {
  before: (() => Promise<unknown>) | null = null;
  raced = false;
  override async put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    const run = key === 'head' && this.before;
    if (run) {
      this.before = null;
      await run();
      this.raced = true;
    }
    return super.put(key, body, opts);
  }
}

async function pair(kind: RemoteKind, optsB: Parameters<typeof joinClient>[1] = {}) {
  const { client: a, ...at } = await firstClient(kind);
  track(a);
  await a.write('shared.txt', 'v1');
  await a.write('docs/keep.txt', 'keep');
  await a.sync();
  const b = track(await joinClient(at, optsB));
  await b.sync();
  return { a, b, at };
}

for (const kind of ['file', 's3'] as const) {
  describe.skipIf(kind === 's3' && !s3TestConfig())(`two-way sync between devices (${kind} remote)`, () => {
    it('brings edits, renames and deletions across in both directions, and records them as pulls', async () => {
      const { a, b } = await pair(kind);
      expect(await b.files()).toEqual(await a.files());
      await b.write('shared.txt', 'v2 from B');
      await b.write('docs/new.txt', 'new on B');
      await b.write('docs/moved.txt', 'keep');
      await b.remove('docs/keep.txt');
      const rb = await b.sync();
      expect(rb).toMatchObject({ committed: true, renamed: 1 });
      const ra = await a.sync();
      expect(ra.pulled).toBeGreaterThanOrEqual(3);
      expect(await a.files()).toEqual({ 'docs': '<dir>', 'docs/moved.txt': 'keep', 'docs/new.txt': 'new on B', 'shared.txt': 'v2 from B' });
      const { entries } = await a.vault.queryHistory({ actions: ['pull'], limit: 50 });
      expect(entries.find((e) => e.path === 'docs/moved.txt')).toMatchObject({ reason: expect.stringMatching(/^renamed from docs\/keep.txt/), device: b.vault.settings.deviceId });
      expect(entries.find((e) => e.path === 'docs/keep.txt')).toBeUndefined(); // moved, not deleted and downloaded
      // And back: A's changes reach B; a pulled file is not taken for a local edit afterwards.
      await a.write('from-a.txt', 'A');
      await a.remove('docs/new.txt');
      await a.sync();
      await b.sync();
      expect(await b.files()).toEqual(await a.files());
      const pulledB = (await b.vault.queryHistory({ actions: ['pull'], limit: 50 })).entries;
      expect(pulledB.find((e) => e.path === 'docs/new.txt')?.reason).toMatch(/^deleted on another device/);
      const again = await b.sync();
      expect(again).toMatchObject({ committed: false, uploaded: 0, pulled: 0 });
      expect((await a.sync()).committed).toBe(false);
    });

    it('keeps both versions of a file edited on both devices, the later commit under the name', async () => {
      const { a, b } = await pair(kind);
      await a.write('shared.txt', 'edited on A');
      await b.write('shared.txt', 'edited on B');
      await a.sync();
      const rb = await b.sync();
      expect(rb.conflicts).toHaveLength(1);
      const copy = rb.conflicts[0]!.copyPath;
      expect(copy).toMatch(conflictPattern('shared', '.txt', a.vault.settings.deviceId));
      expect(await b.read('shared.txt')).toBe('edited on B');
      expect(await b.read(copy)).toBe('edited on A');
      await a.sync();
      expect(await a.files()).toEqual(await b.files());
      // Both versions stay in the vault's history, and the dashboard's list names the copy.
      const versions = await b.vault.versions('shared.txt');
      expect(versions.filter((v) => v.entry !== null).length).toBeGreaterThanOrEqual(3);
      expect(await vaultConflicts(b.vault)).toEqual([expect.objectContaining({ path: 'shared.txt', copyPath: copy, deviceName: a.vault.settings.deviceId })]);
    });

    it('keeps the edit when one device edits a file the other deleted, whichever commits first', async () => {
      const { a, b } = await pair(kind);
      await a.remove('shared.txt');
      await b.write('shared.txt', 'edited on B');
      await a.write('docs/other.txt', 'x');
      await a.sync();
      await b.sync();
      await a.sync();
      expect(await a.read('shared.txt')).toBe('edited on B');
      // The other order: the edit is committed first, the delete second.
      await a.write('docs/keep.txt', 'edited on A');
      await b.remove('docs/keep.txt');
      await a.sync();
      await b.sync();
      expect(await b.read('docs/keep.txt')).toBe('edited on A');
      await a.sync();
      expect(await a.files()).toEqual(await b.files());
    });

    it('merges a device that was offline for a week with local edits, and one whose clock is hours off', async () => {
      const offline = new FakeClock(Date.now());
      const { a, b, at } = await pair(kind, { clock: offline });
      await b.write('offline.txt', 'written offline');
      await b.write('shared.txt', 'B offline edit');
      for (let i = 0; i < 3; i++) {
        await a.write(`week/day${i}.txt`, `day ${i}`);
        await a.sync();
      }
      offline.advance(7 * DAY);
      const rb = await b.sync();
      expect(rb.committed).toBe(true);
      expect(await b.read('week/day2.txt')).toBe('day 2');
      await a.sync();
      expect(await a.read('shared.txt')).toBe('B offline edit');
      expect(await a.files()).toEqual(await b.files());

      // A third device five hours behind: the later commit still keeps the name, whatever its clock says.
      const behind = track(await joinClient(at, { clock: new FakeClock(Date.now() - 5 * 3_600_000) }));
      await behind.sync();
      await a.write('shared.txt', 'A, on time');
      await behind.write('shared.txt', 'C, five hours behind');
      await a.sync();
      const rc = await behind.sync();
      expect(rc.conflicts.map((c) => c.path)).toEqual(['shared.txt']);
      expect(await behind.read('shared.txt')).toBe('C, five hours behind');
      await a.sync();
      await b.sync();
      expect(await a.files()).toEqual(await behind.files());
      expect(await b.files()).toEqual(await behind.files());
    });

    it('lands two commits made in the same moment: the loser re-reads the head, merges and retries after a backoff', async () => {
      const racing: { store: RacingStore | null } = { store: null };
      const clock = new FakeClock(Date.now());
      const { a, b } = await pair(kind, { clock, wrapStore: (s: BlobStore) => (racing.store = new RacingStore(s)) });
      await a.write('from-a.txt', 'A');
      await b.write('from-b.txt', 'B');
      // B's head write waits for A's whole pass: A moves the head first, B's conditional write fails.
      racing.store!.before = () => a.sync();
      clock.sleeps.length = 0;
      const rb = await b.sync();
      expect(racing.store!.raced).toBe(true);
      expect(rb.committed).toBe(true);
      expect(clock.sleeps).toEqual([200]);
      expect(await b.read('from-a.txt')).toBe('A');
      await a.sync();
      expect(await a.files()).toEqual(await b.files());
      expect(Object.keys(await a.files()).sort()).toEqual(['docs', 'docs/keep.txt', 'from-a.txt', 'from-b.txt', 'shared.txt']);
    });

    it('converges three devices editing one file and their own files', async () => {
      const { a, b, at } = await pair(kind);
      const c = track(await joinClient(at));
      await c.sync();
      for (const [who, cl] of [['A', a], ['B', b], ['C', c]] as const) {
        await cl.write('shared.txt', `${who} was here`);
        await cl.write(`own-${who}.txt`, who);
      }
      await a.sync();
      await b.sync();
      await c.sync();
      await a.sync();
      await b.sync();
      const files = await c.files();
      expect(await a.files()).toEqual(files);
      expect(await b.files()).toEqual(files);
      expect(files['shared.txt']).toBe('C was here');
      const copies = Object.entries(files).filter(([p]) => p.startsWith('shared (conflict'));
      expect(copies.map(([, v]) => v).sort()).toEqual(['A was here', 'B was here']);
    });
  });
}
