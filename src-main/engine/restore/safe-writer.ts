import { constants } from 'node:fs';
import { chmod, lstat, link, lutimes, mkdir, open, rename, stat, symlink, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { join, resolve } from 'node:path';
import { fsyncDir } from '../fsx/atomic-file.ts';
import { fsPath } from '../fsx/raw-name.ts';
import { restoreTempName } from './leftover-temps.ts';
import { restoredMode } from './restored-mode.ts';
import { UnsafePathError, driveLetterDetail, restoreSegments, rootedPrefix } from './safe-path.ts';

export interface RestoreFileOptions {
  /** The manifest's mode; restoredMode() decides which bits the file gets. */
  mode: number;
  /** Keep set-uid, set-gid and world-write from the manifest (restoredMode). Default false. */
  preserveMode?: boolean;
  mtimeMs: number;
  /** Replace an existing file (never followed if it is a symlink). Default false: refuse with EEXIST. */
  overwrite?: boolean;
}

/**
 * Writes one restored file under toDir without ever following a symlink on the way: each parent folder is
 * checked with lstat and created one by one, so a symlink planted earlier in the restore or already in
 * toDir cannot redirect the write. The data goes to a temp file (O_EXCL|O_NOFOLLOW) in the target's folder
 * and is renamed into place only after the source ended cleanly and was fsync'd: a failing or truncated
 * source leaves neither the file nor the temp file. Returns the absolute path written.
 *
 * Not defended: a local process racing the restore and swapping a checked folder for a symlink between
 * the lstat and the open (Node has no openat). Such a process can already write to toDir.
 */
export async function writeRestoredFile(toDir: string, relPath: string, source: Readable, opts: RestoreFileOptions): Promise<string> {
  const { dir, name } = await prepareParent(toDir, relPath);
  const target = join(dir, name);
  if (!opts.overwrite) await refuseExisting(target);
  const tmp = join(dir, restoreTempName());
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  let fh: FileHandle | null = await open(fsPath(tmp), flags, 0o600);
  try {
    for await (const chunk of source) await writeAll(fh, typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
    await fh.chmod(restoredMode(opts.mode, 'file', opts.preserveMode));
    const mtime = new Date(opts.mtimeMs);
    await fh.utimes(mtime, mtime);
    await fh.sync();
    await fh.close();
    fh = null;
    if (opts.overwrite) {
      await rename(fsPath(tmp), fsPath(target)); // rename replaces a symlink at target, it does not follow it
    } else {
      await link(fsPath(tmp), fsPath(target)); // fails with EEXIST if something appeared meanwhile: never clobbers
      await unlink(fsPath(tmp));
    }
  } catch (err) {
    source.destroy();
    await fh?.close().catch(() => undefined);
    await unlink(fsPath(tmp)).catch(() => undefined);
    throw err;
  }
  await fsyncDir(fsPath(dir));
  return target;
}

/**
 * Creates a restored symlink without following anything. The target must stay inside toDir when read
 * from the link's folder: relative, no backslash or NUL, and of the form `../..` (at most as deep as the
 * link) followed by names only. A '..' after a name is refused because the name may itself be a symlink,
 * and '..' is then resolved from wherever it points. Anything else throws UnsafePathError.
 */
export async function writeRestoredSymlink(toDir: string, relPath: string, target: string, opts: { mtimeMs?: number; overwrite?: boolean } = {}): Promise<string> {
  checkLinkTarget(relPath, target);
  const { dir, name } = await prepareParent(toDir, relPath);
  const path = join(dir, name);
  if (opts.overwrite) {
    const tmp = join(dir, restoreTempName());
    await symlink(fsPath(target), fsPath(tmp));
    await rename(fsPath(tmp), fsPath(path)).catch(async (err: unknown) => {
      await unlink(fsPath(tmp)).catch(() => undefined);
      throw err;
    });
  } else {
    await symlink(fsPath(target), fsPath(path)); // EEXIST if anything is there; symlink() never follows the new path
  }
  if (opts.mtimeMs !== undefined) await lutimes(fsPath(path), new Date(opts.mtimeMs), new Date(opts.mtimeMs));
  await fsyncDir(fsPath(dir));
  return path;
}

/**
 * Creates a restored folder (and its parents) under toDir with the same no-symlink walk as files. Use it
 * instead of mkdir({recursive: true}), which follows a symlinked parent out of toDir. An existing real
 * folder is fine; a symlink or a file in the way is refused.
 */
export async function writeRestoredDir(toDir: string, relPath: string, opts: { mode?: number; preserveMode?: boolean } = {}): Promise<string> {
  const { dir, name } = await prepareParent(toDir, relPath);
  const path = join(dir, name);
  await ensureRealDir(relPath, path);
  if (opts.mode !== undefined) await chmod(fsPath(path), restoredMode(opts.mode, 'dir', opts.preserveMode)); // owner rwx kept for what follows
  return path;
}

export function checkLinkTarget(relPath: string, target: string): void {
  const depth = restoreSegments(relPath).length - 1;
  const bad = (detail: string) => new UnsafePathError(relPath, 'symlink-escapes', `symlink target ${JSON.stringify(target)} ${detail}`);
  if (typeof target !== 'string' || target === '') throw bad('is empty');
  if (target.includes('\0') || target.includes('\\')) throw bad('contains NUL or a backslash');
  const prefix = rootedPrefix(target);
  if (prefix === 'absolute') throw bad('is absolute');
  // Kept on every OS: a link is read by whatever system opens the folder later, and "x:" means a drive there.
  if (prefix === 'drive-letter') throw bad(driveLetterDetail(target));
  const segs = target.split('/').filter((s) => s !== '' && s !== '.');
  let ups = 0;
  while (segs[ups] === '..') ups++;
  if (ups > depth) throw bad('points outside the restore folder');
  if (segs.slice(ups).includes('..')) throw bad("has '..' after a name");
}

/** Creates the parent folders of relPath under toDir one by one, refusing symlinks and non-folders. */
async function prepareParent(toDir: string, relPath: string): Promise<{ dir: string; name: string }> {
  const segs = restoreSegments(relPath);
  const root = resolve(toDir);
  // The restore folder itself may be a symlink the user chose; it must be a folder.
  if (!(await stat(root)).isDirectory()) throw new UnsafePathError(relPath, 'not-a-directory', `${root} is not a folder`);
  let dir = root;
  for (const seg of segs.slice(0, -1)) {
    dir = join(dir, seg);
    await ensureRealDir(relPath, dir);
  }
  return { dir, name: segs[segs.length - 1]! };
}

async function ensureRealDir(relPath: string, dir: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const st = await lstat(fsPath(dir)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (st?.isSymbolicLink()) throw new UnsafePathError(relPath, 'symlink-on-path', `${dir} is a symlink; restore never writes through one`);
    if (st?.isDirectory()) return;
    if (st) throw new UnsafePathError(relPath, 'not-a-directory', `${dir} exists and is not a folder`);
    try {
      await mkdir(fsPath(dir), { mode: 0o755 });
      return;
    } catch (err) {
      // Someone made it between lstat and mkdir: check again what it is.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new UnsafePathError(relPath, 'not-a-directory', `${dir} keeps changing`);
}

async function refuseExisting(target: string): Promise<void> {
  const st = await lstat(fsPath(target)).catch(() => null);
  if (st) throw Object.assign(new Error(`EEXIST: ${target} already exists`), { code: 'EEXIST', path: target });
}

async function writeAll(fh: FileHandle, buf: Uint8Array): Promise<void> {
  for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
}
