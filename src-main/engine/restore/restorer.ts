import { lstat, mkdir } from 'node:fs/promises';
import type { FileEntry } from '../manifest/schema.ts';
import type { Tree } from '../manifest/manifest-store.ts';
import { ContentReader } from '../read/content-reader.ts';
import { UnsafePathError, detectCollisions, resolveRestoreTarget } from './safe-path.ts';
import { writeRestoredDir, writeRestoredFile, writeRestoredSymlink } from './safe-writer.ts';
import { isCaseInsensitive } from './case-probe.ts';
import { displayName, fsPath, pathArgMatches } from '../fsx/raw-name.ts';
import { removeLeftoverTemps } from './leftover-temps.ts';
import { checkRestoreTarget, type ExistingFiles } from './existing-files.ts';
import { refusedName } from './refused-name.ts';
import { restoredCopyPath } from './copy-name.ts';

export interface RestoreOptions {
  /** Restore only this path, or everything under it when it names a folder. */
  path?: string;
  /** Restore only these paths (each a file, or a folder and everything under it); with `path`, both must match. */
  paths?: readonly string[];
  /** Files already in the target: refuse the whole restore (default), overwrite or skip them (existing-files.ts). */
  existing?: ExistingFiles;
  /** Write every file and symlink as a restored copy beside its path, whether or not one is there ("Restore as copy"). */
  asCopy?: boolean;
  /** Copies (keep-both, asCopy) are named after this time (the snapshot's), in this zone (copy-name.ts). */
  copyStamp?: { time: Date; timeZone?: string };
  /** @deprecated the same as existing: 'overwrite'. */
  overwrite?: boolean;
  /** Keep set-uid, set-gid, sticky and world-write bits from the manifest (see restored-mode.ts). */
  preserveMode?: boolean;
  onProgress?: (done: number, total: number, bytes: number) => void;
}

export interface RestoreReport {
  /** Entries written: folders, files and symlinks. */
  restored: number;
  /** Of those, files and symlinks (what people count). */
  files: number;
  bytes: number;
  /** Files and symlinks left as they were because they already existed (existing: 'skip'). */
  skipped: number;
  /** Written under a restored-copy name: asCopy, or existing: 'keep-both' for files that were in the way (kept). */
  copies: { path: string; restoredAs: string }[];
  problems: { path: string; reason: string }[];
  /** Temp files an interrupted earlier restore left in the target, removed before this one wrote. */
  leftoversRemoved: number;
}

/**
 * Writes a tree into `toDir`. Order matters for safety: folders, then files, then symlinks last, so no
 * write ever passes through a link the restore itself created. Every file is verified against the
 * manifest hash before it is renamed into place; a bad one is reported and the rest still restored.
 */
export async function restoreTree(reader: ContentReader, tree: Tree, toDir: string, opts: RestoreOptions = {}): Promise<RestoreReport> {
  const inSelection = opts.paths ? selection(opts.paths) : () => true;
  const selected = [...tree.values()].filter((e) => (!opts.path || pathArgMatches(opts.path, e.path)) && inSelection(e.path));
  if (opts.path && selected.length === 0) throw new Error(`${displayName(opts.path)} is not in the vault at that time`);
  if (opts.paths && selected.length === 0) throw new Error('none of the chosen paths is in the vault at that time');
  const existing: ExistingFiles = opts.existing ?? (opts.overwrite ? 'overwrite' : 'refuse');
  const overwrite = existing === 'overwrite';
  // Before anything is written: a file where the folder should be, or files in the way, stop it whole.
  await checkRestoreTarget(toDir, selected.filter((e) => e.type !== 'dir').map((e) => e.path), existing);
  await mkdir(toDir, { recursive: true });
  const leftoversRemoved = await removeLeftoverTemps(toDir, foldersWrittenInto(selected));
  const report: RestoreReport = { restored: 0, files: 0, bytes: 0, skipped: 0, copies: [], problems: [], leftoversRemoved };
  const renamed = await collisionRenames(selected.map((e) => e.path), toDir);

  const ordered = [
    ...selected.filter((e) => e.type === 'dir').sort((a, b) => a.path.length - b.path.length),
    ...selected.filter((e) => e.type === 'file').sort((a, b) => firstObject(a).localeCompare(firstObject(b))),
    ...selected.filter((e) => e.type === 'symlink'),
  ];
  let done = 0;
  for (const e of ordered) {
    let rel = renamed.get(e.path) ?? e.path;
    try {
      const target = resolveRestoreTarget(toDir, rel);
      if (existing === 'skip' && e.type !== 'dir' && (await exists(target))) {
        report.skipped++;
        opts.onProgress?.(++done, ordered.length, report.bytes);
        continue;
      }
      if (e.type !== 'dir' && (opts.asCopy || (existing === 'keep-both' && (await exists(target))))) {
        rel = await freeCopyPath(toDir, rel, opts.copyStamp ?? { time: new Date() });
        report.copies.push({ path: e.path, restoredAs: rel });
      }
      if (e.type === 'dir') await writeRestoredDir(toDir, rel, { mode: e.mode, preserveMode: opts.preserveMode });
      else if (e.type === 'symlink') await writeRestoredSymlink(toDir, rel, e.target ?? '', { mtimeMs: e.mtimeMs, overwrite });
      else {
        await writeRestoredFile(toDir, rel, reader.fileContent(e), { mode: e.mode, mtimeMs: e.mtimeMs, overwrite, preserveMode: opts.preserveMode });
        report.bytes += e.size;
      }
      if (renamed.has(e.path)) report.problems.push({ path: e.path, reason: `restored as ${rel}: its name collides with another on this file system` });
      report.restored++;
      if (e.type !== 'dir') report.files++;
    } catch (err) {
      const reason = err instanceof UnsafePathError ? `unsafe path refused: ${err.message}` : refusedName(rel, err, toDir) ?? (err as Error).message;
      report.problems.push({ path: e.path, reason });
    }
    opts.onProgress?.(++done, ordered.length, report.bytes);
  }
  return report;
}

/** A test for "is this path chosen": one of `paths` itself, or inside one of them (a folder). */
function selection(paths: readonly string[]): (p: string) => boolean {
  const chosen = new Set(paths);
  return (p) => {
    if (chosen.has(p)) return true;
    for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) if (chosen.has(p.slice(0, i))) return true;
    return false;
  };
}

/** The first restored-copy name beside `rel` that nothing holds yet (keep both). */
async function freeCopyPath(toDir: string, rel: string, stamp: { time: Date; timeZone?: string }): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const copy = restoredCopyPath(rel, stamp.time, { timeZone: stamp.timeZone, attempt });
    if (!(await exists(resolveRestoreTarget(toDir, copy)))) return copy;
  }
}

/** Every folder an entry of this restore is written into (its parent), and the restored folders themselves. */
function foldersWrittenInto(entries: { path: string; type: string }[]): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    if (e.type === 'dir') out.add(e.path);
    const slash = e.path.lastIndexOf('/');
    if (slash > 0) out.add(e.path.slice(0, slash));
  }
  return out;
}

async function exists(target: string): Promise<boolean> {
  return lstat(fsPath(target)).then(() => true, () => false);
}

function firstObject(e: FileEntry): string {
  return e.chunks?.[0]?.object ?? '';
}

/**
 * On a case-insensitive or normalising file system two vault names can land on one file; the later ones
 * get a visible suffix instead of silently overwriting (nothing lost).
 */
async function collisionRenames(paths: string[], toDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const collisions = detectCollisions(paths);
  if (collisions.length === 0 || !(await isCaseInsensitive(toDir))) return out;
  for (const c of collisions) {
    c.paths.slice(1).forEach((p, i) => out.set(p, `${p} (name collision ${i + 2})`));
  }
  return out;
}
