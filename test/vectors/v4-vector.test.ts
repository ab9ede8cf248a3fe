// The format 4 parts of the v4 vector (test/vectors/v4/README.md), on top of the generic checks of
// vectors.test.ts: the descriptor says 4, the large file's chunks are messages in several chunk packs, the
// edited version shares its unchanged messages (same pack, same place), and each message opens alone
// from its own byte range.
import { describe, it, expect } from 'vitest';
import { frozenVector } from './frozen-vector.ts';
import { objectKey } from '../../src-main/engine/objects/object-keys.ts';
import { padmeLength } from '../../src-main/engine/objects/padme.ts';
import { SealedObjects } from '../../src-main/engine/objects/sealed-objects.ts';
import { objectRef } from '../../src-main/engine/objects/object-ref.ts';
import { readAll } from '../../src-main/engine/store/body.ts';
import type { Chunk, FileEntry } from '../../src-main/engine/manifest/schema.ts';


describe('format vector v4: chunk packs', () => {
  const vector = frozenVector<{ descriptorVersion: number; snapshots: { rootId: string; time: string }[] }>('v4');

  it('says version 4 in its descriptor', async () => {
    expect(await vector.descriptorVersion()).toBe(4);
    expect(vector.expected.descriptorVersion).toBe(4);
  });

  it('stores the large file as messages in several chunk packs; the edit shares the unchanged ones; each opens from its range', async () => {
    const vault = await vector.open();
    try {
      const [first, last] = [vector.expected.snapshots[0]!, vector.expected.snapshots.at(-1)!];
      const byRoot = new Map((await vault.versions('video.bin')).map((v) => [v.rootId, v.entry as FileEntry]));
      const v1 = byRoot.get(first.rootId)!;
      const v2 = byRoot.get(last.rootId)!;
      expect(v1.hash).not.toBe(v2.hash);
      for (const e of [v1, v2]) {
        expect(e.chunks!.length).toBeGreaterThan(2);
        for (const c of e.chunks!) {
          expect(c).toMatchObject({ kind: 'chunk', id: expect.stringMatching(/^[0-9a-f]{64}$/), message: expect.stringMatching(/^[0-9a-f]{32}$/) });
        }
      }
      expect(new Set(v1.chunks!.map((c) => c.object)).size).toBeGreaterThan(1);
      const same = (a: Chunk, b: Chunk) => a.object === b.object && a.offset === b.offset && a.message === b.message;
      const shared = v2.chunks!.filter((c) => v1.chunks!.some((o) => same(o, c)));
      expect(shared.length).toBeGreaterThanOrEqual(v1.chunks!.length - 3);
      expect(shared.length).toBeLessThan(v2.chunks!.length);
      // Each message, cut out of its pack by its range alone, opens as the data object its id names.
      const objects = new SealedObjects({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
      for (const c of v2.chunks!) {
        const whole = await readAll(await vault.store.get(objectKey(c.object)));
        const plain = await objects.openBytes(objectRef('data', c.message!), whole.subarray(c.offset, c.offset + c.sealed!));
        expect(plain.length).toBe(padmeLength(c.length));
        expect(Buffer.from(plain).subarray(c.length).every((b) => b === 0)).toBe(true);
        // Not under another id: the context binds the message to its own.
        await expect(objects.openBytes(objectRef('data', c.object), whole.subarray(c.offset, c.offset + c.sealed!))).rejects.toThrow();
      }
    } finally {
      await vault.close();
    }
  });
});
