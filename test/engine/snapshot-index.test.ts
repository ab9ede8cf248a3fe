import { describe, it, expect } from 'vitest';
import { SnapshotIndex } from '../../src-main/engine/use-cases/snapshot-index.ts';
import { commands } from '../../src-main/ipc/contract.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';
import type { Tree } from '../../src-main/engine/manifest/manifest-store.ts';

const file = (path: string, size: number, hash: string): FileEntry => ({
  path, type: 'file', size, mode: 0o644, mtimeMs: Date.UTC(2026, 11, 1), hash: hash.padEnd(64, '0'), chunks: [], device: 'd', seq: 1,
});

/** 100,000 files in 10 top folders of 100 subfolders each (no folder entries: folders are implied by paths). */
function bigTree(): Tree {
  const tree: Tree = new Map();
  for (let i = 0; i < 100_000; i++) {
    const p = `top${i % 10}/sub${Math.floor(i / 10) % 100}/f${i}.txt`;
    tree.set(p, file(p, 1 + (i % 7), (i % 16).toString(16)));
  }
  return tree;
}

describe('a snapshot index', () => {
  it('lists a 100k-file snapshot folder by folder, with counts and sizes summed up the tree', () => {
    const tree = bigTree();
    const index = new SnapshotIndex(tree, tree);
    const top = index.list('')!;
    expect(top.map((i) => i.name)).toEqual(Array.from({ length: 10 }, (_, i) => `top${i}`));
    expect(top.reduce((n, i) => n + i.files, 0)).toBe(100_000);
    let bytes = 0;
    for (const e of tree.values()) bytes += e.size;
    expect(top.reduce((n, i) => n + i.size, 0)).toBe(bytes);
    expect(index.list('top3')).toHaveLength(100);
    expect(index.list('top3/sub7')).toHaveLength(100);
    expect(top.every((i) => i.now === 'same')).toBe(true);
    expect(index.list('top3/nope')).toBeNull();
  });

  it('marks files and folders deleted or changed since, against the newest tree', () => {
    const old: Tree = new Map([
      ['a/x.txt', file('a/x.txt', 1, '1')], ['a/y.txt', file('a/y.txt', 1, '2')], ['b/z.txt', file('b/z.txt', 1, '3')],
    ]);
    const newest: Tree = new Map([['a/x.txt', file('a/x.txt', 1, '1')], ['a/y.txt', file('a/y.txt', 2, '9')]]);
    const index = new SnapshotIndex(old, newest);
    expect(index.list('')!.map((i) => `${i.name}:${i.now}`)).toEqual(['a:changed', 'b:deleted']);
    expect(index.list('a')!.map((i) => `${i.name}:${i.now}`)).toEqual(['x.txt:same', 'y.txt:changed']);
    expect(index.search('Z.TXT').map((i) => i.path)).toEqual(['b/z.txt']);
  });

  it('never crosses the contract as more than 1,000 items at once', () => {
    const items = new SnapshotIndex(bigTree(), new Map()).search('f1');
    expect(items.length).toBeGreaterThan(1000);
    const page = { items: items.slice(0, 1000), total: items.length };
    expect(commands.snapshotSearch.response.safeParse(page).success).toBe(true);
    expect(commands.snapshotSearch.response.safeParse({ ...page, items: items.slice(0, 1001) }).success).toBe(false);
    expect(commands.snapshotFolder.request.safeParse({ rootId: 'a'.repeat(32), folder: '', limit: 1001 }).success).toBe(false);
  });
});
