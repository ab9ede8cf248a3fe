import { afterEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, rename, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FsScanner } from '../../src-main/engine/scan/fs-scanner.ts';
import { IgnoreRules, type PathFilter } from '../../src-main/engine/scan/ignore-rules.ts';
import type { IndexedEntry, ScanResult } from '../../src-main/engine/ports/scanner.ts';
import { lateClock, tempTree } from './temp-tree.ts';
import { FakeClock } from '../support/fake-clock.ts';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

async function tree(files: Record<string, string>) {
  const t = await tempTree(files);
  cleanups.push(t.cleanup);
  return t.root;
}

function indexOf(r: ScanResult): Map<string, IndexedEntry> {
  return new Map(r.candidates.map((c) => [c.path, { kind: c.kind, size: c.size, mtimeMs: c.mtimeMs, mode: c.mode, ino: c.ino }]));
}

async function scanner(root: string, extra: Partial<ConstructorParameters<typeof FsScanner>[0]> = {}) {
  return new FsScanner({ root, ignore: await IgnoreRules.load(root), clock: lateClock, ...extra });
}

const paths = (r: ScanResult) => r.candidates.map((c) => c.path).sort();

describe('FsScanner', () => {
  it('reports names that are not UTF-8 with their bytes kept (escaped), scoped and deleted like any other', async () => {
    const root = await tree({});
    const raw = (rel: string) => Buffer.from(`${root}/${rel}`, 'latin1'); // each char below U+0100 one byte
    await mkdir(raw('dir-\xff'));
    await writeFile(raw('dir-\xff/caf\xe9.txt'), 'Latin-1');
    await symlink(Buffer.from('caf\xe9.txt', 'latin1'), raw('dir-\xff/link'));
    const s = await scanner(root);
    const first = await s.scan(new Map());
    expect(paths(first)).toEqual(['dir-\udcff', 'dir-\udcff/caf\udce9.txt', 'dir-\udcff/link']);
    expect(first.candidates.find((c) => c.kind === 'symlink')?.target).toBe('caf\udce9.txt');
    expect(first.skipped).toEqual([]);
    const scoped = await s.scan(new Map(), { scope: ['dir-\udcff/caf\udce9.txt'] });
    expect(paths(scoped)).toEqual(['dir-\udcff/caf\udce9.txt']);
    unlinkSync(raw('dir-\xff/caf\xe9.txt'));
    expect((await s.scan(indexOf(first))).deleted).toEqual(['dir-\udcff/caf\udce9.txt']);
  });

  it('reports everything new, then nothing on a no-change rescan', async () => {
    const root = await tree({ 'a.txt': 'hello', 'empty.txt': '', 'sub/b.txt': 'b', 'sub/deeper/': '' });
    const s = await scanner(root);
    const first = await s.scan(new Map());
    expect(paths(first)).toEqual(['a.txt', 'empty.txt', 'sub', 'sub/b.txt', 'sub/deeper']);
    expect(first.candidates.find((c) => c.path === 'empty.txt')).toMatchObject({ kind: 'file', size: 0 });
    expect(first.seen).toBe(5);
    const again = await s.scan(indexOf(first));
    expect(again).toMatchObject({ candidates: [], deleted: [], skipped: [], unchanged: 5, seen: 5 });
  });

  it('flags size, mtime, mode and inode changes, and reports deletions', async () => {
    const root = await tree({ 'size.txt': 'a', 'mtime.txt': 'b', 'mode.txt': 'c', 'ino.txt': 'd', 'gone.txt': 'e', 'same.txt': 'f' });
    const s = await scanner(root);
    const index = indexOf(await s.scan(new Map()));
    await writeFile(join(root, 'size.txt'), 'longer');
    await utimes(join(root, 'mtime.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    await chmod(join(root, 'mode.txt'), 0o600);
    await rm(join(root, 'ino.txt'));
    await writeFile(join(root, 'ino.txt.new'), 'd');
    await rename(join(root, 'ino.txt.new'), join(root, 'ino.txt'));
    // Keep the mtime identical so only the inode tells.
    const old = index.get('ino.txt')!;
    await utimes(join(root, 'ino.txt'), new Date(old.mtimeMs), new Date(old.mtimeMs));
    await unlink(join(root, 'gone.txt'));
    const r = await s.scan(index);
    expect(paths(r)).toEqual(['ino.txt', 'mode.txt', 'mtime.txt', 'size.txt']);
    expect(r.deleted).toEqual(['gone.txt']);
    expect(r.unchanged).toBe(1);
  });

  it('treats a file modified within 2 s of the scan start as racily clean', async () => {
    const root = await tree({ 'fresh.txt': 'x' });
    const clock = new FakeClock(Date.now() + 3_600_000);
    const s = await scanner(root, { clock });
    const index = indexOf(await s.scan(new Map()));
    const mtime = index.get('fresh.txt')!.mtimeMs;
    clock.setNow(mtime + 1500);
    expect(paths(await s.scan(index))).toEqual(['fresh.txt']);
    clock.setNow(mtime + 2500);
    expect(paths(await s.scan(index))).toEqual([]);
  });

  it('does not report ignored paths, and reports an indexed path that became ignored as deleted', async () => {
    const root = await tree({ 'keep.txt': 'k', 'x.tmp': 't', '.git/config': 'c', 'build/out.js': 'o', '.DS_Store': '' });
    const s = await scanner(root);
    const first = await s.scan(new Map());
    expect(paths(first)).toEqual(['.git', '.git/config', 'build', 'build/out.js', 'keep.txt']);
    await writeFile(join(root, '.cofferignore'), 'build/\n');
    const r = await s.scan(indexOf(first));
    expect(r.deleted.sort()).toEqual(['build', 'build/out.js']);
    expect(paths(r)).toEqual(['.cofferignore']);
  });

  it('stores a symlink as a link with its target and never follows it, even through a scope', async () => {
    const outside = await tree({ 'secret.txt': 's', 'dir/x.txt': 'x' });
    const root = await tree({ 'a.txt': 'a' });
    await symlink(outside, join(root, 'out'));
    await symlink('a.txt', join(root, 'rel-link'));
    const s = await scanner(root);
    const r = await s.scan(new Map());
    expect(paths(r)).toEqual(['a.txt', 'out', 'rel-link']);
    expect(r.candidates.find((c) => c.path === 'out')).toMatchObject({ kind: 'symlink', target: outside });
    expect(r.candidates.find((c) => c.path === 'rel-link')).toMatchObject({ kind: 'symlink', target: 'a.txt' });
    const scoped = await s.scan(new Map(), { scope: ['out/secret.txt', 'out/dir'] });
    expect(paths(scoped)).toEqual(['out']);
  });

  it('a scoped scan walks only its scope; a vanished scoped folder yields deletions for all under it', async () => {
    const root = await tree({ 'a/1.txt': '1', 'a/b/2.txt': '2', 'c/3.txt': '3' });
    const s = await scanner(root);
    const index = indexOf(await s.scan(new Map()));
    await rm(join(root, 'a'), { recursive: true });
    await writeFile(join(root, 'c/4.txt'), '4');
    const r = await s.scan(index, { scope: ['a/b/2.txt', 'a'] });
    expect(r.deleted.sort()).toEqual(['a', 'a/1.txt', 'a/b', 'a/b/2.txt']);
    expect(paths(r)).toEqual([]); // c/4.txt is outside the scope
    const c = await s.scan(index, { scope: ['c'] });
    expect(paths(c)).toEqual(['c/4.txt']);
    expect(c.deleted).toEqual([]);
  });

  it('a scope under a vanished parent re-anchors at the parent', async () => {
    const root = await tree({ 'p/q/r.txt': 'r', 'p/s.txt': 's' });
    const s = await scanner(root);
    const index = indexOf(await s.scan(new Map()));
    await rm(join(root, 'p'), { recursive: true });
    const r = await s.scan(index, { scope: ['p/q/r.txt'] });
    expect(r.deleted.sort()).toEqual(['p', 'p/q', 'p/q/r.txt', 'p/s.txt']);
  });

  it('rejects scope paths that are not port-style relative paths', async () => {
    const root = await tree({ 'a.txt': 'a' });
    const s = await scanner(root);
    await expect(s.scan(new Map(), { scope: ['../etc'] })).rejects.toThrow(/Invalid relative path/);
    await expect(s.scan(new Map(), { scope: ['/abs'] })).rejects.toThrow(/Invalid relative path/);
  });

  it('never enters the excluded state dir, whether scanning everything or a scope inside it', async () => {
    const root = await tree({ 'a.txt': 'a', '.coffer/journal.jsonl': 'j', '.coffer/cache/x': 'x' });
    const s = await scanner(root, { excludeAbsolute: [join(root, '.coffer')] });
    expect(paths(await s.scan(new Map()))).toEqual(['a.txt']);
    expect(paths(await s.scan(new Map(), { scope: ['.coffer/cache'] }))).toEqual([]);
    // The same folder reached by another spelling is recognised by device and inode.
    const s2 = await scanner(root, { excludeAbsolute: [join(root, 'x', '..', '.coffer') + '/'] });
    expect(paths(await s2.scan(new Map()))).toEqual(['a.txt']);
  });

  it('throws when the root is missing, instead of reporting everything deleted', async () => {
    const root = await tree({ 'a.txt': 'a' });
    const s = await scanner(root);
    const index = indexOf(await s.scan(new Map()));
    await rm(root, { recursive: true });
    await expect(s.scan(index)).rejects.toThrow(/Cannot scan/);
  });

  it('an entry removed between listing and lstat is simply absent', async () => {
    const root = await tree({ 'victim.txt': 'v', 'other.txt': 'o' });
    const base = await IgnoreRules.load(root);
    const s0 = new FsScanner({ root, ignore: base, clock: lateClock });
    const index = indexOf(await s0.scan(new Map()));
    // The filter runs after readdir and before lstat: the exact window of the race.
    const racing: PathFilter = {
      refresh: () => base.refresh(),
      generation: 0,
      ignores(rel, isDir) {
        if (rel === 'victim.txt') unlinkSync(join(root, rel));
        return base.ignores(rel, isDir);
      },
    };
    const r = await new FsScanner({ root, ignore: racing, clock: lateClock }).scan(index);
    expect(r.skipped).toEqual([]);
    expect(r.deleted).toEqual(['victim.txt']);
    expect(r.unchanged).toBe(1);
  });

  it('reports names exactly as the OS gives them: 255-byte names, NFC and NFD side by side', async () => {
    const long = 'a'.repeat(251) + '.txt';
    const longMultibyte = 'é'.repeat(127) + 'x'; // 2 bytes each in UTF-8: 255 bytes
    const nfc = 'caf\u00e9.txt';
    const nfd = 'cafe\u0301.txt';
    const root = await tree({ [long]: '1', [longMultibyte]: '2', [nfc]: 'nfc', [nfd]: 'nfd' });
    expect(Buffer.byteLength(longMultibyte)).toBe(255);
    const r = await (await scanner(root)).scan(new Map());
    const got = paths(r);
    expect(got).toHaveLength(4);
    expect(got).toContain(long);
    expect(got).toContain(longMultibyte);
    expect(got).toContain(nfc);
    expect(got).toContain(nfd);
    expect(r.candidates.find((c) => c.path === nfd)!.size).toBe(3);
  });

  it('stops with the abort reason when the signal fires', async () => {
    const root = await tree({ 'a/b.txt': 'b' });
    const ac = new AbortController();
    ac.abort(new Error('stop now'));
    await expect((await scanner(root)).scan(new Map(), { signal: ac.signal })).rejects.toThrow('stop now');
  });

  it('a folder replaced by a file is reported as a file and its old children as deleted', async () => {
    const root = await tree({ 'x/1.txt': '1' });
    const s = await scanner(root);
    const index = indexOf(await s.scan(new Map()));
    await rm(join(root, 'x'), { recursive: true });
    await writeFile(join(root, 'x'), 'now a file');
    const r = await s.scan(index);
    expect(r.candidates.map((c) => [c.path, c.kind])).toEqual([['x', 'file']]);
    expect(r.deleted).toEqual(['x/1.txt']);
  });
});

