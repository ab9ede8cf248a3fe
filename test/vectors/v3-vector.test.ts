// The format 3 parts of the v3 vector (test/vectors/v3/README.md), on top of the generic checks of
// vectors.test.ts: the descriptor says 3, the large file is stored as content-defined chunks with keyed
// ids, the edited version shares its unchanged chunks with the first, and the padded objects read back.
import { describe, it, expect } from 'vitest';
import { frozenVector } from './frozen-vector.ts';
import { objectKey } from '../../src-main/engine/objects/object-keys.ts';
import { padmeLength } from '../../src-main/engine/objects/padme.ts';
import { SealedObjects } from '../../src-main/engine/objects/sealed-objects.ts';
import { objectRef } from '../../src-main/engine/objects/object-ref.ts';
import { readAll } from '../../src-main/engine/store/body.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';


describe('format vector v3: content-defined chunks and padding', () => {
  const vector = frozenVector<{ vaultId: string; descriptorVersion: number; padding: string; snapshots: { rootId: string; time: string }[] }>('v3');

  it('says version 3 in its descriptor and holds the sealed chunking secret', async () => {
    expect(await vector.descriptorVersion()).toBe(3);
    expect(vector.expected.descriptorVersion).toBe(3);
    const vault = await vector.open();
    try {
      const objects = new SealedObjects({ store: vault.slots, sealer: vault.sealer, vaultId: vault.vaultId });
      const secret = await objects.openBytes({ kind: 'keyslot', id: 'chunking' }, await objects.fetchSealed({ kind: 'keyslot', id: 'chunking' }));
      expect(secret.length).toBe(32);
    } finally {
      await vault.close();
    }
  });

  it('stores the large file as keyed chunks; the edited version shares the unchanged ones; objects are padded', async () => {
    const vault = await vector.open();
    try {
      const [first, last] = [vector.expected.snapshots[0]!, vector.expected.snapshots.at(-1)!];
      const versions = await vault.versions('video.bin');
      const byRoot = new Map(versions.map((v) => [v.rootId, v.entry as FileEntry]));
      const v1 = byRoot.get(first.rootId)!;
      const v2 = byRoot.get(last.rootId)!;
      expect(v1.hash).not.toBe(v2.hash);
      for (const e of [v1, v2]) {
        expect(e.chunks!.length).toBeGreaterThan(2);
        for (const c of e.chunks!) expect(c).toMatchObject({ kind: 'data', offset: 0, id: expect.stringMatching(/^[0-9a-f]{64}$/) });
      }
      const shared = v2.chunks!.filter((c) => v1.chunks!.some((o) => o.object === c.object && o.id === c.id));
      expect(shared.length).toBeGreaterThanOrEqual(v1.chunks!.length - 3);
      expect(shared.length).toBeLessThan(v2.chunks!.length);
      // Padding: each chunk object's plaintext is its Padmé length, the bytes past `length` zeros.
      const objects = new SealedObjects({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
      const c = v2.chunks![0]!;
      const plain = await readAll(await objects.fetch(objectRef('data', c.object)));
      expect(plain.length).toBe(padmeLength(c.length));
      expect(plain.subarray(c.length).every((b) => b === 0)).toBe(true);
      expect(objectKey(c.object)).toMatch(/^objects\//);
    } finally {
      await vault.close();
    }
  });
});
