import { describe, expect, it } from 'vitest';
import { conflictName, mergeTrees } from '../../src-main/engine/sync/merge-trees.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';
import type { Tree } from '../../src-main/engine/manifest/manifest-store.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 5, 30);
let seq = 0;
function file(path: string, content: string, device = 'aaaa', mtimeMs = T0): FileEntry {
  const hash = Buffer.from(content.padEnd(32, '.')).toString('hex').slice(0, 64).padEnd(64, '0');
  return { path, type: 'file', size: content.length, mode: 0o100644, mtimeMs, hash, device, seq: ++seq, chunks: [{ object: hash.slice(0, 32), kind: 'data', offset: 0, length: content.length }] };
}
function dir(path: string, device = 'aaaa'): FileEntry {
  return { path, type: 'dir', size: 0, mode: 0o40755, mtimeMs: T0, device, seq: ++seq };
}
const tree = (...es: FileEntry[]): Tree => new Map(es.map((e) => [e.path, e]));
const names = (_m: string | null, d: string) => ({ member: 'owner', device: d === 'bbbb' ? 'laptop' : d });

describe('the three-way merge', () => {
  const a = file('a.txt', 'one');
  it('takes the side that changed, and one entry for the same change on both sides', () => {
    const edited = file('a.txt', 'two', 'bbbb');
    const r = mergeTrees(tree(a), tree(a), tree(edited));
    expect([...r.tree.values()]).toEqual([edited]);
    const ours = file('b.txt', 'new');
    const r2 = mergeTrees(tree(a), tree(a, ours), tree(a, { ...ours, device: 'bbbb' }));
    expect([...r2.tree.keys()]).toEqual(['a.txt', 'b.txt']);
    expect(r2.conflicts).toEqual([]);
  });

  it('keeps both versions when both sides changed one file: ours keeps the name, theirs becomes a named copy reusing its chunks', () => {
    const ours = file('notes/a.txt', 'ours');
    const theirs = file('notes/a.txt', 'theirs', 'bbbb');
    const r = mergeTrees(tree(dir('notes'), file('notes/a.txt', 'base')), tree(dir('notes'), ours), tree(dir('notes'), theirs), names);
    const copy = 'notes/a (conflict – owner – laptop – 2026-12-02 0905).txt';
    expect(r.tree.get('notes/a.txt')).toBe(ours);
    expect(r.tree.get(copy)).toEqual({ ...theirs, path: copy });
    expect(r.conflicts).toEqual([{ path: 'notes/a.txt', copyPath: copy, device: 'bbbb', member: null, time: new Date(T0).toISOString(), kind: 'both-changed' }]);
  });

  it('keeps the edit against a delete, on either side, and both names on rename versus edit', () => {
    const edited = file('a.txt', 'edited');
    expect([...mergeTrees(tree(a), tree(edited), tree()).tree.values()]).toEqual([edited]);
    expect([...mergeTrees(tree(a), tree(), tree(edited)).tree.values()]).toEqual([edited]);
    const renamed = { ...a, path: 'b.txt' };
    const r = mergeTrees(tree(a), tree(renamed), tree(edited));
    expect(r.tree).toEqual(tree(edited, renamed));
    expect(r.conflicts).toEqual([]);
  });

  it('gives way to a content change when the other side changed only the mtime', () => {
    const touched = { ...a, mtimeMs: T0 + 5, device: 'bbbb' };
    const edited = file('a.txt', 'edited');
    expect(mergeTrees(tree(a), tree(edited), tree(touched)).tree.get('a.txt')).toBe(edited);
  });

  it('renames a file in the way of a folder as a conflict copy, on either side, and brings back a folder deleted under a new file', () => {
    const inside = file('x/in.txt', 'in', 'bbbb');
    const asFile = file('x', 'a file');
    const r = mergeTrees(tree(), tree(asFile), tree(dir('x', 'bbbb'), inside), names);
    expect(r.tree.get('x')?.type).toBe('dir');
    expect(r.tree.get('x/in.txt')).toBe(inside);
    expect(r.tree.get('x (conflict – owner – aaaa – 2026-12-02 0905)')).toMatchObject({ hash: asFile.hash, type: 'file' });
    // We replaced folder x by a file; they added inside it.
    const r2 = mergeTrees(tree(dir('x')), tree(asFile), tree(dir('x'), inside), names);
    expect(r2.tree.get('x')?.type).toBe('dir');
    expect(r2.tree.get('x/in.txt')).toBe(inside);
    expect(r2.conflicts.map((c) => c.kind)).toEqual(['folder-vs-file']);
    // We deleted folder x; they added inside it: the edit wins, its folder comes back.
    const r3 = mergeTrees(tree(dir('x')), tree(), tree(dir('x'), inside));
    expect([...r3.tree.keys()].sort()).toEqual(['x', 'x/in.txt']);
  });

  it('names copies without separators and numbers a second copy of the same minute', () => {
    expect(conflictName('.bashrc', { member: 'a/b', device: 'c\nd' }, '2026-01-02T03:04:05.000Z')).toBe('.bashrc (conflict – a_b – c_d – 2026-01-02 0304)');
    expect(conflictName('d/archive.tar.gz', { member: 'm', device: 'd' }, '2026-01-02T23:59:00.000Z')).toBe('d/archive.tar (conflict – m – d – 2026-01-02 2359).gz');
    const copy = 'a (conflict – owner – bbbb – 2026-12-02 0905).txt';
    const r = mergeTrees(tree(a), tree(file('a.txt', 'ours'), file(copy, 'older copy')), tree(file('a.txt', 'theirs', 'bbbb')));
    expect(r.conflicts[0]!.copyPath).toBe('a (conflict – owner – bbbb – 2026-12-02 0905 2).txt');
  });

  it('lets the vault keep the name on a first pass (a join into a folder that held files)', () => {
    const local = file('a.txt', 'local', 'cccc');
    const r = mergeTrees(tree(), tree(local), tree(a), names, { theirsKeepName: true });
    expect(r.tree.get('a.txt')).toBe(a);
    expect(r.conflicts[0]).toMatchObject({ path: 'a.txt', device: 'cccc' });
    expect(r.tree.get(r.conflicts[0]!.copyPath)?.hash).toBe(local.hash);
  });
});
