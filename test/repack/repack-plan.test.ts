import { describe, it, expect } from 'vitest';
import { fixedKeyProvider, TEST_VAULT_ID } from '../support/fixed-key.ts';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { contextOf, objectRef } from '../../src-main/engine/objects/object-ref.ts';
import type { Tree } from '../../src-main/engine/manifest/manifest-store.ts';
import type { Chunk, FileEntry } from '../../src-main/engine/manifest/schema.ts';
import { choosePacks, packUsage, plaintextFromStored, rangeKey, remapTree } from '../../src-main/engine/sync/repack-plan.ts';

const P1 = 'a'.repeat(32);
const P2 = 'b'.repeat(32);

function file(path: string, chunks: Chunk[], hash = path.padEnd(64, '0').slice(0, 64).replace(/[^0-9a-f]/g, 'e')): FileEntry {
  return { path, type: 'file', size: chunks.reduce((n, c) => n + c.length, 0), mode: 0o100644, mtimeMs: 1, hash, chunks, device: 'd', seq: 1 };
}
const inPack = (object: string, offset: number, length: number): Chunk => ({ object, kind: 'pack', offset, length });
const tree = (...entries: FileEntry[]): Tree => new Map(entries.map((e) => [e.path, e]));

describe('which packs a repack rewrites', () => {
  it('counts each distinct range once, however many entries name it', () => {
    const t = tree(file('a', [inPack(P1, 0, 10)]), file('copy-of-a', [inPack(P1, 0, 10)]), file('b', [inPack(P1, 50, 5)]));
    const u = packUsage(t).get(P1)!;
    expect(u.liveBytes).toBe(15);
    expect(u.end).toBe(55);
    expect(u.ranges.map((r) => r.offset)).toEqual([0, 50]);
  });

  it('rewrites below half live, not at half; never a pack some file of several chunks names', () => {
    const t = tree(
      file('half', [inPack(P1, 0, 50)]),
      file('less', [inPack(P2, 0, 49)]),
      file('big', [{ object: 'c'.repeat(32), kind: 'data', offset: 0, length: 4 }, inPack('d'.repeat(32), 0, 1)]),
    );
    const sizes = new Map([[P1, 100], [P2, 100], ['d'.repeat(32), 100]]);
    expect(choosePacks(packUsage(t).values(), (id) => sizes.get(id)).map((u) => u.pack)).toEqual([P2]);
  });

  it('never takes a pack for smaller than the entries show, so a fully live pack is never rewritten', () => {
    const t = tree(file('a', [inPack(P1, 0, 100)]));
    expect(choosePacks(packUsage(t).values(), () => 20)).toEqual([]);
    expect(choosePacks(packUsage(t).values(), () => undefined)).toEqual([]);
  });

  it('moves only the chunks of moved ranges; every other field stays', () => {
    const moved = new Map([[rangeKey(inPack(P1, 0, 10)), inPack(P2, 7, 10)]]);
    const a = file('a', [inPack(P1, 0, 10)]);
    const b = file('b', [inPack(P1, 10, 10)]);
    const out = remapTree(tree(a, b), moved);
    expect(out.files).toBe(1);
    expect(out.tree.get('a')).toEqual({ ...a, chunks: [inPack(P2, 7, 10)] });
    expect(out.tree.get('b')).toBe(b);
    // The key that sealed the new pack is what a key-usage scan must see for the moved entry.
    expect(remapTree(tree(a, b), moved, 3).tree.get('a')).toEqual({ ...a, chunks: [inPack(P2, 7, 10)], keyVersion: 3 });
  });
});

describe('a pack\'s plaintext size from its stored size', () => {
  it('is exact for objects sealed under the same key, across frame boundaries', async () => {
    const sealer = new EsdkSealer(fixedKeyProvider(7));
    const ctx = contextOf(TEST_VAULT_ID, objectRef('pack', P1));
    const empty = (await sealer.sealBytes(new Uint8Array(0), ctx)).byteLength;
    for (const size of [1, 1000, 1_048_575, 1_048_576, 1_048_577, 3 * 1_048_576 + 5]) {
      const sealed = await sealer.sealBytes(new Uint8Array(size), ctx);
      expect(plaintextFromStored(sealed.byteLength, empty)).toBe(size);
    }
  });
});
