import { isAbsolute, resolve } from 'node:path';
import { NotFoundError } from '../ports/store-errors.ts';
import type { ExistingChoice, RestoreProgress, RestoreSummary, SnapshotQuery, SnapshotView } from '../ports/vault-service.ts';
import type { Tree } from '../manifest/manifest-store.ts';
import type { Root } from '../manifest/schema.ts';
import type { FileEntry } from '../manifest/schema.ts';
import { changedFiles } from '../manifest/root-diff.ts';
import { relativeInside } from '../fsx/path-inside.ts';
import { recordRestoredContents } from '../vault/restored-contents.ts';
import type { LocalVault } from '../vault/local-vault.ts';
import type { ReadableVault } from '../vault/readable-vault.ts';
import type { HistoryNames } from './history-names.ts';
import { restoreVault } from './restore-verify.ts';
import { restoreStamp } from '../restore/copy-name.ts';

/** What the Restore view may list at once (the contract's bounds). */
export const MAX_SNAPSHOT_PAGE = 100;
export const MAX_ITEM_PAGE = 1000;
/** Paths the summary lists one by one; the counts cover the rest. */
const LISTED = 1000;

/** A restore request the engine refuses before writing anything; named so the IPC layer answers 400. */
export class RestoreRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

/**
 * The kept snapshots, newest first, from `q.from` (a root id a page before gave as `next`) or the head:
 * time, device, totals and how many files changed since the one before (manifest/root-diff.ts).
 */
export async function listSnapshots(
  vault: ReadableVault, q: SnapshotQuery, names?: HistoryNames,
): Promise<{ snapshots: SnapshotView[]; next?: string }> {
  const head = await vault.checkedHead('list snapshots');
  if (!head) return { snapshots: [] };
  const limit = Math.min(q.limit ?? 50, MAX_SNAPSHOT_PAGE);
  const snapshots: SnapshotView[] = [];
  for await (const root of vault.manifest.roots(q.from ?? head.head.rootId)) {
    if (snapshots.length === limit) return { snapshots, next: root.rootId };
    const device = root.author?.device ?? root.device;
    const deviceName = names?.device(device)?.name;
    snapshots.push({
      rootId: root.rootId, time: root.time, device, ...(deviceName ? { deviceName } : {}), files: root.files, bytes: root.bytes,
      changed: await changedFiles(vault.manifest, root, await parentOf(vault, root)),
    });
  }
  return { snapshots };
}

/** The root before `root`, or null for the first one or one retention removed (then all its files count as changed). */
async function parentOf(vault: ReadableVault, root: Root): Promise<Root | null> {
  if (!root.parent) return null;
  return vault.manifest.readRoot(root.parent).catch((err: unknown) => {
    if (err instanceof NotFoundError) return null;
    throw err;
  });
}

export interface RestoreSelectionRequest {
  rootId: string;
  paths: readonly string[];
  /** Absolute; absent: the vault's own folder (the original location). */
  to?: string;
  existing: ExistingChoice;
  /** Every file beside its path under a restored-copy name ("Restore as copy"). */
  asCopy?: boolean;
  timeZone?: string;
  onProgress?: (p: RestoreProgress) => void;
}

/**
 * Restores chosen paths of one snapshot through the one restore path (restore-verify.ts restoreVault →
 * restoreTree: refused names, verified writes, nothing through a symlink). Into the vault's own folder
 * (or a folder inside it), what was written is recorded for the next pass, which then stores it without
 * a new upload (vault/restored-contents.ts). `tree` is the snapshot's tree, as the caller read it.
 */
export async function restoreSelection(vault: LocalVault, tree: Tree, req: RestoreSelectionRequest): Promise<RestoreSummary> {
  if (req.paths.length === 0) throw new RestoreRequestError('choose at least one file or folder to restore');
  const to = restoreTarget(vault, req.to);
  // An unknown zone is refused here, before anything is written, not per file once copies are named.
  if (req.timeZone !== undefined) restoreStamp(new Date(0), req.timeZone);
  const result = await restoreVault(vault, {
    to, rootId: req.rootId, paths: req.paths, existing: req.existing, asCopy: req.asCopy, timeZone: req.timeZone,
    onProgress: req.onProgress && ((done, total, bytes) => req.onProgress!({ done, total, bytes })),
  });
  const inside = relativeInside(vault.settings.folder, to);
  if (inside !== null) await recordRestoredContents(vault.paths, writtenFiles(tree, req.paths, result.copies, inside), vault.clock.now());
  return {
    to, snapshotTime: result.snapshot.time, restored: result.files, bytes: result.bytes, skipped: result.skipped,
    keptBoth: result.copies.slice(0, LISTED), keptBothCount: result.copies.length,
    failed: result.problems.slice(0, LISTED), failedCount: result.problems.length,
  };
}

/** Where a restore writes: `to` (absolute), or the vault's folder. */
export function restoreTarget(vault: LocalVault, to: string | undefined): string {
  if (to !== undefined && !isAbsolute(to)) throw new RestoreRequestError(`"${to}" is not an absolute folder path: give the whole path, such as /home/you/Restored`);
  return resolve(to ?? vault.settings.folder);
}

/** Whether a restore to `to` writes into the vault's own folder (the watcher sees it, the next pass stores it). */
export function writesIntoVault(vault: LocalVault, to: string | undefined): boolean {
  return relativeInside(vault.settings.folder, restoreTarget(vault, to)) !== null;
}

/** The snapshot's files a restore wrote, as paths of the vault folder: the chosen ones, and copies under their new names. */
export function writtenFiles(
  tree: Tree, paths: readonly string[], copies: readonly { path: string; restoredAs: string }[], prefix: string,
): { path: string; entry: FileEntry }[] {
  const chosen = new Set(paths);
  const under = (p: string) => chosen.has(p) || [...ancestors(p)].some((a) => chosen.has(a));
  const at = (p: string) => (prefix ? `${prefix}/${p}` : p);
  const out: { path: string; entry: FileEntry }[] = [];
  for (const e of tree.values()) if (e.type === 'file' && under(e.path)) out.push({ path: at(e.path), entry: e });
  for (const c of copies) {
    const e = tree.get(c.path);
    if (e) out.push({ path: at(c.restoredAs), entry: e });
  }
  return out;
}

function* ancestors(p: string): Iterable<string> {
  for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) yield p.slice(0, i);
}
