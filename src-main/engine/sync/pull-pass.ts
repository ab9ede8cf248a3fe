import { lstat, rename, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FileEntry } from '../manifest/schema.ts';
import type { Tree } from '../manifest/manifest-store.ts';
import { fsPath } from '../fsx/raw-name.ts';
import { checkMassDelete } from './mass-delete-guard.ts';
import { sameContent, type NameResolver } from './merge-trees.ts';
import type { LocalIndex } from './local-index.ts';
import type { PassLog } from './pass-log.ts';

/**
 * Writes into the folder without ever following a symlink and never leaving half a file: the vault layer
 * passes restore/safe-writer.ts (temp file, verified stream, fsync, rename). `overwrite: false` refuses a
 * path that appeared meanwhile.
 */
export interface FolderWriter {
  file(rel: string, source: Readable, opts: { mode: number; mtimeMs: number; overwrite: boolean }): Promise<unknown>;
  dir(rel: string, opts: { mode: number }): Promise<unknown>;
  symlink(rel: string, target: string, opts: { mtimeMs: number; overwrite: boolean }): Promise<unknown>;
}

export interface PullDeps {
  root: string;
  writer: FolderWriter;
  /** The verified content of an entry (read/content-reader.ts): the stream errors instead of ending on bad bytes. */
  content: (entry: FileEntry) => Readable;
  names: NameResolver;
}

type LocalMeta = NonNullable<LocalIndex['localMeta']>;

export interface PullResult {
  /** Files and links written, renamed or removed in the folder (folders are not counted). */
  pulled: number;
  /** Paths left alone (changed locally since the scan, or failed): this device's view of them stays `ours`. */
  heldBack: Record<string, FileEntry | null>;
  /** Inode numbers of what the pull wrote or renamed into place (null: removed). */
  inodes: Record<string, number | null>;
  /** How files look on this disk where that differs from the tree (local-index.ts). */
  localMeta: LocalMeta;
  warnings: string[];
}

/** The paths a pull would change, each with what the folder has there now: held back until the pull ends. */
export function pullHold(ours: Tree, target: Tree): Record<string, FileEntry | null> {
  const out: Record<string, FileEntry | null> = {};
  for (const p of new Set([...ours.keys(), ...target.keys()])) {
    if (!sameContent(ours.get(p), target.get(p))) out[p] = ours.get(p) ?? null;
  }
  return out;
}

/**
 * The mass-delete guard for deletions another device made: removing more than the threshold of the
 * folder's files pauses the pass before anything is committed or removed (MassDeleteError), as a local
 * mass delete does.
 */
export function checkPullDeletes(ours: Tree, target: Tree, threshold: number, allowed: boolean): void {
  const files = [...ours.values()].filter((e) => e.type !== 'dir');
  const removed = files.filter((e) => !target.has(e.path) || target.get(e.path)!.type !== e.type).length;
  checkMassDelete(removed, files.length, threshold, allowed);
}

/**
 * Applies to the folder what `target` (the tree just committed, or the head) has and `ours` (the folder as
 * the scan saw it) lacks: renames as renames, folders, then files and symlinks through the FolderWriter,
 * then removals, deepest first. Before replacing or removing anything the path is looked at again: a
 * file changed since the scan is never overwritten, it is held back and the next pass merges it (a
 * conflict copy when both sides changed). Paths in `dirty` (local changes a reader cannot commit) are
 * held back too. The vault keeps every removed version for the retention period.
 */
export async function pullTree(
  deps: PullDeps, ours: Tree, target: Tree, opts: { dirty?: ReadonlySet<string>; localMeta?: LocalMeta; scanned?: ReadonlyMap<string, { size: number; mtimeMs: number; mode: number }> },
  log: PassLog,
): Promise<PullResult> {
  const res: PullResult = { pulled: 0, heldBack: {}, inodes: {}, localMeta: {}, warnings: [] };
  const prevMeta = opts.localMeta ?? {};
  // How the folder looks where ours is unchanged since the last pass: a pulled file's own mtime and mode.
  const diskOf = (e: FileEntry): { size: number; mtimeMs: number; mode: number } => {
    const seen = opts.scanned?.get(e.path);
    if (seen) return seen;
    const m = prevMeta[e.path];
    return m && m.hash === e.hash ? m : e;
  };
  const hold = (p: string) => void (res.heldBack[p] = ours.get(p) ?? null);

  const writes: FileEntry[] = [];
  const removals: FileEntry[] = [];
  for (const p of [...new Set([...ours.keys(), ...target.keys()])].sort()) {
    const o = ours.get(p);
    const t = target.get(p);
    if (sameContent(o, t)) {
      const disk = o ? diskOf(o) : undefined;
      if (o && t && disk && t.type !== 'dir' && (disk.mtimeMs !== t.mtimeMs || disk.mode !== t.mode || disk.size !== t.size)) {
        res.localMeta[p] = { ...(t.hash ? { hash: t.hash } : {}), size: disk.size, mtimeMs: disk.mtimeMs, mode: disk.mode };
      }
      continue;
    }
    if (opts.dirty?.has(p)) {
      hold(p);
      continue;
    }
    if (o && (!t || o.type !== t.type)) removals.push(o);
    if (t) writes.push(t);
  }
  // A removed file whose content reappears under a new name is moved, not downloaded again.
  const byHash = new Map<string, FileEntry>();
  for (const r of removals) if (r.type === 'file' && r.hash && !target.has(r.path)) byHash.set(r.hash, r);
  const removedPaths = new Set(removals.map((r) => r.path));

  const dirs = writes.filter((e) => e.type === 'dir').sort((a, b) => a.path.length - b.path.length);
  // New paths (conflict copies among them) before replacements: a version moved aside is on disk before
  // the file that keeps the name is replaced.
  const files = writes.filter((e) => e.type === 'file').sort((a, b) => Number(ours.has(a.path)) - Number(ours.has(b.path)));
  const links = writes.filter((e) => e.type === 'symlink');
  const replaced = new Set<string>();

  // 1. Plain files and symlinks in the way of a folder or another kind go first (re-checked). A file the
  // merge turned into a conflict copy (folder versus file) is moved to the copy's name, not deleted.
  const movedInto = new Set<string>();
  for (const r of removals) {
    if (r.type === 'dir' || !target.has(r.path)) continue;
    if (!(await unchangedSinceScan(deps.root, r, diskOf(r)))) {
      hold(r.path);
      continue;
    }
    const copy = r.type === 'file' ? files.find((f) => f.hash === r.hash && !ours.has(f.path) && !movedInto.has(f.path)) : undefined;
    const abs = fsPath(join(deps.root, r.path));
    const moved = copy && !(await exists(deps.root, copy.path)) && (await rename(abs, fsPath(join(deps.root, copy.path))).then(() => true, () => false));
    if (moved) {
      movedInto.add(copy.path);
      await recordWritten(deps.root, copy, res);
      res.pulled++;
    } else await unlink(abs).catch(() => undefined);
    replaced.add(r.path);
    res.inodes[r.path] = null;
  }
  for (const d of dirs) {
    if (res.heldBack[d.path] !== undefined) continue;
    // Folders are made, not counted: `pulled` counts files and links, as the user sees them.
    await step(res, d.path, () => deps.writer.dir(d.path, { mode: d.mode }), hold, false);
  }
  for (const f of files) {
    if (movedInto.has(f.path)) continue;
    if (res.heldBack[f.path] !== undefined || blockedByParent(res, f.path)) {
      hold(f.path);
      continue;
    }
    const o = ours.get(f.path);
    const overwrite = !!o && !replaced.has(f.path);
    if (o && overwrite && !(await unchangedSinceScan(deps.root, o, diskOf(o)))) {
      hold(f.path);
      continue;
    }
    if (!o && !replaced.has(f.path) && (await exists(deps.root, f.path))) {
      hold(f.path); // appeared locally since the scan: the next pass merges it
      continue;
    }
    const from = f.hash ? byHash.get(f.hash) : undefined;
    if (from && !overwrite && (await unchangedSinceScan(deps.root, from, diskOf(from)))) {
      byHash.delete(f.hash!);
      removedPaths.delete(from.path);
      const moved = await rename(fsPath(join(deps.root, from.path)), fsPath(join(deps.root, f.path))).then(() => true, () => false);
      if (moved) {
        res.pulled++;
        res.inodes[from.path] = null;
        await recordWritten(deps.root, f, res);
        log.note({ action: 'pull', path: f.path, size: f.size, reason: `renamed from ${from.path} on ${deps.names(null, f.device).device}`, device: f.device });
        continue;
      }
      removedPaths.add(from.path);
    }
    const ok = await step(res, f.path, () => deps.writer.file(f.path, deps.content(f), { mode: f.mode, mtimeMs: f.mtimeMs, overwrite }), hold);
    if (ok) {
      await recordWritten(deps.root, f, res);
      log.note({ action: 'pull', path: f.path, size: f.size, reason: `${o ? 'changed' : 'added'} on ${deps.names(null, f.device).device}`, device: f.device });
    }
  }
  for (const l of links) {
    if (res.heldBack[l.path] !== undefined || blockedByParent(res, l.path)) {
      hold(l.path);
      continue;
    }
    const o = ours.get(l.path);
    const overwrite = !!o && !replaced.has(l.path);
    if ((o && overwrite && !(await unchangedSinceScan(deps.root, o, diskOf(o)))) || (!o && (await exists(deps.root, l.path)))) {
      hold(l.path);
      continue;
    }
    if (await step(res, l.path, () => deps.writer.symlink(l.path, l.target ?? '', { mtimeMs: l.mtimeMs, overwrite }), hold)) {
      log.note({ action: 'pull', path: l.path, reason: `link ${o ? 'changed' : 'added'} on ${deps.names(null, l.device).device}`, device: l.device });
    }
  }
  // 2. Removals, deepest first; a folder that still holds something (an ignored file) stays.
  const rest = removals.filter((r) => removedPaths.has(r.path) && !replaced.has(r.path) && !target.has(r.path));
  rest.sort((a, b) => b.path.length - a.path.length);
  for (const r of rest) {
    if (!(await unchangedSinceScan(deps.root, r, diskOf(r)))) {
      if (await exists(deps.root, r.path)) hold(r.path);
      else res.inodes[r.path] = null;
      continue;
    }
    const abs = fsPath(join(deps.root, r.path));
    const gone = await (r.type === 'dir' ? rmdir(abs) : unlink(abs)).then(() => true, () => false);
    if (!gone) {
      hold(r.path);
      continue;
    }
    if (r.type !== 'dir') res.pulled++;
    res.inodes[r.path] = null;
    if (r.type !== 'dir') log.note({ action: 'pull', path: r.path, reason: 'deleted on another device; its versions stay in the vault for the retention period' });
  }
  return res;
}

/** Runs one write; a failure holds the path back (the next pass tries again) and becomes a warning. */
async function step(res: PullResult, path: string, run: () => Promise<unknown>, hold: (p: string) => void, counts = true): Promise<boolean> {
  try {
    await run();
    if (counts) res.pulled++;
    return true;
  } catch (err) {
    hold(path);
    res.warnings.push(`could not pull ${path}: ${(err as Error).message}`);
    return false;
  }
}

function blockedByParent(res: PullResult, path: string): boolean {
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) if (res.heldBack[path.slice(0, i)] !== undefined) return true;
  return false;
}

/** What the pull wrote, as this disk keeps it: its inode, and its mtime and mode where they differ from the tree. */
async function recordWritten(root: string, e: FileEntry, res: PullResult): Promise<void> {
  const st = await lstat(fsPath(join(root, e.path))).catch(() => null);
  if (!st) return;
  res.inodes[e.path] = st.ino;
  if (st.mtimeMs !== e.mtimeMs || st.mode !== e.mode || st.size !== e.size) {
    res.localMeta[e.path] = { ...(e.hash ? { hash: e.hash } : {}), size: st.size, mtimeMs: st.mtimeMs, mode: st.mode };
  }
}

/** The path still is what the scan saw (kind; a file's size and mtime): nothing changed it since. */
async function unchangedSinceScan(root: string, e: FileEntry, disk: { size: number; mtimeMs: number }): Promise<boolean> {
  const st = await lstat(fsPath(join(root, e.path))).catch(() => null);
  if (!st) return false;
  if (e.type === 'dir') return st.isDirectory();
  if (e.type === 'symlink') return st.isSymbolicLink();
  return st.isFile() && st.size === disk.size && st.mtimeMs === disk.mtimeMs;
}

async function exists(root: string, rel: string): Promise<boolean> {
  return lstat(fsPath(join(root, rel))).then(() => true, () => false);
}
