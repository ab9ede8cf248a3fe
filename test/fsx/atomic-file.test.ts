import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../src-main/engine/fsx/atomic-file.ts';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'coffer-atomic-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes parts one after the other and replaces the old file, leaving no temp file', async () => {
    const file = path.join(dir, 'doc.json');
    await writeFile(file, 'old content');
    await writeFileAtomic(file, ['abc\n', Buffer.from('{"x":1}')]);
    expect(await readFile(file, 'utf8')).toBe('abc\n{"x":1}');
    expect(await readdir(dir)).toEqual(['doc.json']);
  });

  it('without durability it still replaces by rename, creating the folder, with the mode asked for', async () => {
    const file = path.join(dir, 'cache', 'seg.json');
    await writeFileAtomic(file, 'body', { durable: false, mode: 0o640 });
    expect(await readFile(file, 'utf8')).toBe('body');
    expect((await stat(file)).mode & 0o777).toBe(0o640 & ~process.umask());
    expect(await readdir(path.dirname(file))).toEqual(['seg.json']);
  });

  it('a failed rename removes its temp file and leaves what was there', async () => {
    // The target is a non-empty folder, so the rename fails after the temp file was written.
    const target = path.join(dir, 'taken');
    await mkdir(target);
    await writeFile(path.join(target, 'inside'), 'kept');
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['taken']);
    expect(await readFile(path.join(target, 'inside'), 'utf8')).toBe('kept');
  });
});
