import { describe, expect, it } from 'vitest';
import { fixedKeyProvider, TEST_VAULT_ID } from '../support/fixed-key.ts';
import { FaultyStore } from '../support/faulty-store.ts';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { ManifestStore, type Tree } from '../../src-main/engine/manifest/manifest-store.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { TransientStoreError } from '../../src-main/engine/ports/store-errors.ts';

// Segments are written and read several at once (each is a round trip on S3). A root must still name
// only segments that were all stored, and a tree must come back whole and in the root's order.
let n = 0;
const random = (size: number) => {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (n * 31 + i * 7 + 1) & 0xff;
  n++;
  return out;
};

function bigTree(files: number): Tree {
  const tree: Tree = new Map();
  for (let i = 0; i < files; i++) {
    const e: FileEntry = {
      path: `f/${i}.txt`, type: 'file', size: 1, mode: 0o100644, mtimeMs: 1_700_000_000_000, hash: 'a'.repeat(64),
      chunks: [{ object: 'b'.repeat(32), kind: 'pack', offset: i, length: 1 }], device: 'c'.repeat(16), seq: 1, keyVersion: 1,
    };
    tree.set(e.path, e);
  }
  return tree;
}

async function objectKeys(store: MemoryStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list('objects/')) keys.push(info.key);
  return keys;
}

describe('segments written and read several at once', () => {
  const meta = { device: 'c'.repeat(16), seq: 1, time: '2026-12-02T00:00:00.000Z' };
  const sealer = new EsdkSealer(fixedKeyProvider(7));

  it('stores no root when one segment write fails, and the retry writes a tree that reads back whole', async () => {
    const memory = new MemoryStore();
    const faulty = new FaultyStore(memory, { rules: [{ ops: ['put'], keyPrefix: 'objects/', nth: 3, error: () => new TransientStoreError('lost') }] });
    const manifest = new ManifestStore(faulty, sealer, TEST_VAULT_ID, random, null);
    const tree = bigTree(40_000); // 16 segments
    await expect(manifest.writeRoot(tree, null, meta)).rejects.toThrow(/lost/);
    const afterFailure = await objectKeys(memory);
    // Only segments landed (the workers in flight finished; none started after the failure), and no root.
    expect(afterFailure.length).toBeGreaterThan(0);
    expect(afterFailure.length).toBeLessThan(16);

    const root = await manifest.writeRoot(tree, null, meta);
    expect(root.segments).toHaveLength(16);
    const reader = new ManifestStore(memory, sealer, TEST_VAULT_ID, random, null);
    const read = await reader.readTree(await reader.readRoot(root.rootId));
    expect([...read.keys()].sort()).toEqual([...tree.keys()].sort());
    expect(read.get('f/123.txt')).toEqual(tree.get('f/123.txt'));
  });

  it('fails a tree read when one segment is missing, naming it', async () => {
    const memory = new MemoryStore();
    const manifest = new ManifestStore(memory, sealer, TEST_VAULT_ID, random, null);
    const root = await manifest.writeRoot(bigTree(20_000), null, meta);
    const gone = root.segments[5]!.object;
    await memory.delete(`objects/${gone.slice(0, 2)}/${gone}`);
    const reader = new ManifestStore(memory, sealer, TEST_VAULT_ID, random, null);
    await expect(reader.readTree(await reader.readRoot(root.rootId))).rejects.toThrow();
  });
});
