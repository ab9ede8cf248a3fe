import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsafePathError } from '../../src-main/engine/restore/safe-path.ts';
import { writeRestoredDir, writeRestoredFile, writeRestoredSymlink } from '../../src-main/engine/restore/safe-writer.ts';

let base: string;
let to: string;
let outside: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'coffer-restore-'));
  to = join(base, 'to');
  outside = join(base, 'outside');
  await mkdir(to);
  await mkdir(outside);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const opts = { mode: 0o644, mtimeMs: Date.UTC(2020, 0, 2, 3, 4, 5) };
const src = (text: string) => Readable.from([Buffer.from(text)]);

/** Every path under dir, relative, recursively (symlinks are not followed). */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('writeRestoredFile', () => {
  it('writes the content with parents, mode and mtime, and leaves no temp file', async () => {
    const p = await writeRestoredFile(to, 'a/b/c.txt', src('hello'), { ...opts, mode: 0o6755 });
    expect(p).toBe(join(to, 'a/b/c.txt'));
    expect(await readFile(p, 'utf8')).toBe('hello');
    const st = await stat(p);
    expect(st.mode & 0o7777).toBe(0o755); // setuid and setgid masked off
    expect(st.mtimeMs).toBe(opts.mtimeMs);
    expect(await tree(to)).toEqual(['a', 'a/b', 'a/b/c.txt']);
  });

  it('does not write through a symlink already in the target pointing outside (a -> outside, then a/passwd)', async () => {
    await symlink(outside, join(to, 'a'));
    const err = await writeRestoredFile(to, 'a/passwd', src('pwned'), opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafePathError);
    expect((err as UnsafePathError).reason).toBe('symlink-on-path');
    expect(await tree(outside)).toEqual([]);
  });

  it('a restored symlink a -> /etc is refused, so a later a/passwd lands in a real folder inside', async () => {
    await expect(writeRestoredSymlink(to, 'a', '/etc')).rejects.toMatchObject({ reason: 'symlink-escapes' });
    await writeRestoredFile(to, 'a/passwd', src('mine'), opts);
    expect((await lstat(join(to, 'a'))).isDirectory()).toBe(true);
    expect(await readFile(join(to, 'a/passwd'), 'utf8')).toBe('mine');
  });

  it('even a symlink that stays inside is not written through', async () => {
    await mkdir(join(to, 'real'));
    await writeRestoredSymlink(to, 'link', 'real');
    await expect(writeRestoredFile(to, 'link/x', src('x'), opts)).rejects.toMatchObject({ reason: 'symlink-on-path' });
    expect(await tree(join(to, 'real'))).toEqual([]);
  });

  it('refuses hostile paths before touching the disk', async () => {
    // Windows-only names ("CON", "aux") are ordinary names on Linux and macOS: see safe-path.test.ts.
    for (const p of ['../x', '/etc/x', 'a/../../x', 'a\\..\\x', 'a\0b']) {
      await expect(writeRestoredFile(to, p, src('x'), opts)).rejects.toBeInstanceOf(UnsafePathError);
    }
    expect(await tree(to)).toEqual([]);
    expect(await tree(outside)).toEqual([]);
  });

  it('a source that fails midway leaves no file and no temp file', async () => {
    async function* failing() {
      yield Buffer.from('first part ');
      throw new Error('ciphertext truncated');
    }
    await expect(writeRestoredFile(to, 'd/file.txt', Readable.from(failing()), opts)).rejects.toThrow(/truncated/);
    expect(await tree(join(to, 'd'))).toEqual([]);
  });

  it('refuses to clobber an existing file or symlink unless overwrite is set, and never follows it', async () => {
    await writeFile(join(outside, 'victim'), 'original');
    await symlink(join(outside, 'victim'), join(to, 'f'));
    await expect(writeRestoredFile(to, 'f', src('new'), opts)).rejects.toMatchObject({ code: 'EEXIST' });
    await writeRestoredFile(to, 'f', src('new'), { ...opts, overwrite: true });
    expect((await lstat(join(to, 'f'))).isFile()).toBe(true);
    expect(await readFile(join(to, 'f'), 'utf8')).toBe('new');
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('original');
  });

  it('refuses when a parent exists as a file', async () => {
    await writeFile(join(to, 'plain'), 'x');
    await expect(writeRestoredFile(to, 'plain/child', src('x'), opts)).rejects.toMatchObject({ reason: 'not-a-directory' });
  });
});

describe('writeRestoredDir', () => {
  it('creates nested folders, accepts an existing one, and masks special bits', async () => {
    const p = await writeRestoredDir(to, 'x/y', { mode: 0o3755 });
    expect((await stat(p)).mode & 0o7777).toBe(0o755);
    await writeRestoredDir(to, 'x/y');
    expect(await tree(to)).toEqual(['x', 'x/y']);
  });

  it('does not create folders through a symlink to outside (unlike mkdir -p)', async () => {
    await symlink(outside, join(to, 'a'));
    await expect(writeRestoredDir(to, 'a/b')).rejects.toMatchObject({ reason: 'symlink-on-path' });
    await expect(writeRestoredDir(to, 'a')).rejects.toMatchObject({ reason: 'symlink-on-path' });
    expect(await tree(outside)).toEqual([]);
  });
});

describe('writeRestoredSymlink', () => {
  it('creates a relative link inside the target without following it', async () => {
    const p = await writeRestoredSymlink(to, 'a/b/link', '../../c/file', { mtimeMs: opts.mtimeMs });
    expect(await readlink(p)).toBe('../../c/file');
    expect((await lstat(p)).mtimeMs).toBe(opts.mtimeMs);
  });

  it.each([
    ['/etc', 'absolute'],
    ['../x', 'one level too many'],
    ['a/../../x', "'..' after a name"],
    ['s/..', "'..' after a name"],
    ['..\\x', 'backslash'],
    ['', 'empty'],
  ])('refuses target %j (%s) and creates nothing', async (target) => {
    await expect(writeRestoredSymlink(to, 'link', target)).rejects.toMatchObject({ reason: 'symlink-escapes' });
    expect(await tree(to)).toEqual([]);
  });

  it('a link to "x:stream" is refused as a drive-letter target, not as an absolute one', async () => {
    await expect(writeRestoredSymlink(to, 'link', 'x:stream')).rejects.toThrow(/symlink target "x:stream" starts with "x:", which Windows reads as drive X/);
    expect(await tree(to)).toEqual([]);
  });

  it('refuses a hostile link path', async () => {
    await expect(writeRestoredSymlink(to, '../link', 'x')).rejects.toBeInstanceOf(UnsafePathError);
    expect(await tree(base)).toEqual(['outside', 'to']);
  });
});
