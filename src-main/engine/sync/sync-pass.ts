import type { BlobStore } from '../ports/blob-store.ts';
import type { Clock, RandomSource } from '../ports/clock.ts';
import type { HistoryLog, Journal } from '../ports/journal.ts';
import type { Scanner } from '../ports/scanner.ts';
import type { SyncProgress, SyncSummary } from '../ports/vault-service.ts';
import type { Sealer } from '../ports/sealer.ts';
import type { ManifestStore } from '../manifest/manifest-store.ts';
import type { FileChunker } from './chunked-upload.ts';
import type { UploadTuning } from './content-uploader.ts';
import { ObjectWriter } from './object-writer.ts';
import { ResumeMap } from './resume-map.ts';
import type { LocalIndex } from './local-index.ts';
import { planPass, readHeadState, type BaseChooser, type HeadState, type PassPlan } from './plan-pass.ts';
import { storeContent, type StoreContentDeps } from './store-content.ts';
import { commitPass, type CommitTarget } from './commit-pass.ts';
import { defaultNames, mergeTrees, type MergeConflict, type NameResolver } from './merge-trees.ts';
import { checkPullDeletes, pullHold, pullTree, type FolderWriter, type PullResult } from './pull-pass.ts';
import type { Tree } from '../manifest/manifest-store.ts';
import type { FileEntry } from '../manifest/schema.ts';
import type { Readable } from 'node:stream';
import { PassLog } from './pass-log.ts';
import { unportableNameWarnings } from './name-warnings.ts';
import { Housekeeping } from './housekeeping.ts';
import { noPhaseTimer, type PhaseTimer } from '../ports/phase-timer.ts';

// Re-exported: the check is shared by every reader of the tree (manifest/head-check.ts).
export { RollbackError } from '../manifest/head-check.ts';

export interface SyncPassDeps {
  root: string;
  vaultId: string;
  deviceId: string;
  store: BlobStore;
  sealer: Sealer;
  manifest: ManifestStore;
  journal: Journal;
  history: HistoryLog;
  scanner: Scanner;
  clock: Clock;
  random: RandomSource;
  spoolDir: string;
  keyVersion: () => Promise<number>;
  massDeleteThreshold: number;
  tuning?: Partial<UploadTuning>;
  onProgress?: (p: SyncProgress) => void;
  /** The vault's chunker (sync/chunked-upload.ts), asked for on the first file larger than a pack's limit. */
  chunker: () => Promise<FileChunker>;
  /** Files a restore wrote into the folder (store-content.ts RestoredHint): stored again without an upload. */
  restoredContents?: StoreContentDeps['restoredContents'];
  /** Saves the local index; called as soon as the head moved, before any housekeeping can fail. */
  saveIndex?: (index: LocalIndex) => Promise<void>;
  /**
   * The highest head generation any reader on this machine saw (vault/seen-head.ts): a restore or verify
   * may have seen a newer head than this device's last sync, and a rollback below it must be refused too.
   */
  seenGeneration?: number;
  /**
   * Writes pulled files into the folder (restore/safe-writer.ts through the vault layer) and reads their
   * verified content (read/content-reader.ts). Without both the pass only pushes: what it would pull stays
   * held back in the index (a test driving one pass by hand).
   */
  folderWriter?: FolderWriter;
  reader?: { fileContent(entry: FileEntry): Readable };
  /** Member and device names for conflict copies and history (default: "owner" and the device id). */
  names?: NameResolver;
  /** The role check's hook (plan-pass.ts BaseChooser): which root of the head to merge with. */
  chooseBase?: BaseChooser;
  /** false for a member with the reader role: the pass pulls and never commits. Default true. */
  canCommit?: boolean;
  /** Where the pass's time goes (`coffer sync --debug`). */
  phases?: PhaseTimer;
  /** Asked before each file is stored: true stops the pass there, before any commit (sync/pass-stop.ts). */
  stopRequested?: () => boolean;
}

export interface SyncRequest {
  scope?: string[];
  allowMassDelete?: boolean;
  syncId?: string;
}

export interface SyncPassResult extends SyncSummary {
  /**
   * false when some file in the folder is not in the vault as it is now (unreadable, changed while read,
   * a special file): every such file is in `problems`, and only the user's ignore rules leave one out.
   */
  complete: boolean;
  /** The files behind complete=false / errors, for the dashboard's failure list. */
  problems: { path: string; reason: string }[];
  index: LocalIndex;
  /** true when this pass moved the head (a new root). */
  committed: boolean;
  /**
   * true for a no-change pass (plan-pass.ts): it wrote nothing but its summary line, and its `index` is the
   * one it was given, which needs no saving.
   */
  noChange?: boolean;
  /** Entries another device changed that this pass applied to the folder. */
  pulled: number;
  /** Paths both sides changed: the other version is kept beside, as a conflict copy. */
  conflicts: MergeConflict[];
  /**
   * What the user should know although the pass succeeded: names first stored now that will not restore
   * on Windows, and post-commit housekeeping that failed (see housekeeping.ts).
   */
  warnings: string[];
}

/**
 * One pass, in phases with typed hand-offs; nothing in the bucket changes meaning until the commit's
 * conditional head write (FORMAT.md §6):
 * 1. planPass (plan-pass.ts): head, rollback check, scan, mass-delete guard → a PassPlan;
 * 2. storeContent (store-content.ts): new content stored as objects → StoredContent, "ours";
 * 3. merge (merge-trees.ts): base = this device's own view, ours, theirs = the head → the tree to commit,
 *    with conflict copies; the mass-delete guard for what the pull would remove;
 * 4. commitPass (commit-pass.ts): segments, root, conditional head (re-merged and retried when another
 *    device won the race), local index, `committed`;
 * 5. pullTree (pull-pass.ts): the folder brought to the committed tree.
 * Then the pass's history is recorded. A device that may not commit (reader) runs 1 and 5 only.
 */
export async function runSyncPass(deps: SyncPassDeps, given: LocalIndex, req: SyncRequest = {}): Promise<SyncPassResult> {
  const phases = deps.phases ?? noPhaseTimer;
  const log = new PassLog(deps.clock, req.syncId ?? Buffer.from(deps.random(6)).toString('hex'));
  const plan = await phases.time('plan', () => planPass(deps, given, req));
  if ('noChange' in plan) return noChangePass(deps, given, log);
  // The print describes the folder as the last pass left it; this pass saves a new one only if it earns it.
  const { folderPrint: _print, ...index } = given;
  const names = deps.names ?? defaultNames;
  if (deps.canCommit === false) return pullOnly(deps, plan, index, req, log);

  const stamp = { device: deps.deviceId, seq: index.deviceSeq + 1 };
  const io = {
    writer: new ObjectWriter({ store: deps.store, sealer: deps.sealer, journal: deps.journal, vaultId: deps.vaultId, spoolDir: deps.spoolDir, random: deps.random }),
    resume: new ResumeMap(plan.pending),
  };
  const content = await phases.time('storing content', () => storeContent(deps, plan, index, stamp, io, log));
  // Without a view of its own, a file equal to an older version of its path is stale, not an edit.
  const old = plan.ownKnown || !plan.baseRoot ? null : await olderVersions(deps.manifest, plan.baseRoot.rootId);
  const mergeWith = (state: HeadState): CommitTarget => {
    const merged = mergeTrees(plan.own, content.next, state.base, names, {
      theirsKeepName: !plan.ownKnown, isOldVersion: old ? (e) => old.has(`${e.path}\0${e.hash ?? e.target ?? ''}`) : undefined,
    });
    checkPullDeletes(content.next, merged.tree, deps.massDeleteThreshold, !!req.allowMassDelete);
    return { ...state, tree: merged.tree, conflicts: merged.conflicts };
  };
  const first = await phases.time('merging', async () => mergeWith(plan));
  const commit = await phases.time('committing', () => commitPass(deps, plan, first, content, index, stamp, io, req, log, async () => mergeWith(await readHeadState(deps, index))));
  const { target } = commit;
  for (const c of target.conflicts) {
    log.note({ action: 'conflict', path: c.path, copyPath: c.copyPath, device: c.device, reason: `changed on both sides; the version from ${names(c.member, c.device).device} is kept as ${c.copyPath}` });
  }
  const pull = await phases.time('pulling', () => pullInto(deps, names, content.next, target.tree, {
    // A file this pass could not store (unreadable, changing while read) is not in ours as it is on disk:
    // the pull must not replace it.
    dirty: new Set([...content.problems.map((p) => p.path), ...plan.scan.skipped.map((s) => s.path)]),
    localMeta: index.localMeta, scanned: new Map(plan.scan.candidates.map((c) => [c.path, c])),
  }, log));
  const complete = content.problems.length === 0;
  // The folder is what this device's view now says only when every scanned file was stored as scanned
  // and the pull changed nothing here: only then may the next pass trust the scan's print.
  const settled = complete && plan.scan.print && plan.scan.skipped.length === 0 && pull.pulled === 0 && Object.keys(pull.heldBack).length === 0;
  const finalIndex = { ...afterPull(commit.index, pull), ...(settled ? { folderPrint: plan.scan.print } : {}) };
  await phases.time('saving the index', async () => deps.saveIndex?.(finalIndex));

  const { uploaded, renamed, skipped, errors } = content.counts;
  const deleted = plan.deleted.length - content.movedFrom.size;
  log.note({ action: 'sync', reason: `uploaded ${uploaded}, renamed ${renamed}, deleted ${deleted}, pulled ${pull.pulled}, conflicts ${target.conflicts.length}, skipped ${skipped}, errors ${errors}`, size: content.bytes });
  const after = new Housekeeping();
  await phases.time('recording the history', () => after.run('recording the history', () => log.appendTo(deps.history)));
  return {
    uploaded, deleted, renamed, skipped, errors, bytes: content.bytes,
    state: complete ? 'up-to-date' : 'error', complete, index: finalIndex, committed: commit.committed, problems: content.problems,
    pulled: pull.pulled, conflicts: target.conflicts,
    warnings: [
      ...target.refused, ...(commit.committed ? unportableNameWarnings(content.added) : []), ...commit.warnings, ...pull.warnings, ...after.warnings,
    ],
  };
}

/**
 * Nothing changed on either side (plan-pass.ts): one summary line, written without an fsync, and nothing
 * else: no journal record, no index save, no key use (the head was never opened).
 */
async function noChangePass(deps: SyncPassDeps, index: LocalIndex, log: PassLog): Promise<SyncPassResult> {
  log.note({ action: 'sync', reason: 'uploaded 0, renamed 0, deleted 0, pulled 0, conflicts 0, skipped 0, errors 0', size: 0 });
  const after = new Housekeeping();
  await (deps.phases ?? noPhaseTimer).time('recording the history', () => after.run('recording the history', () => log.appendTo(deps.history, { durable: false })));
  return {
    uploaded: 0, deleted: 0, renamed: 0, skipped: 0, errors: 0, bytes: 0, state: 'up-to-date', complete: true, index, committed: false,
    noChange: true, problems: [], pulled: 0, conflicts: [], warnings: after.warnings,
  };
}

/** Every path and content (hash, or link target) the kept roots hold: retention bounds the walk. */
async function olderVersions(manifest: ManifestStore, fromRootId: string): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const root of manifest.roots(fromRootId)) {
    for (const e of (await manifest.readTree(root)).values()) if (e.type !== 'dir') out.add(`${e.path}\0${e.hash ?? e.target ?? ''}`);
  }
  return out;
}

/** A device that may only read (the reader role): the head comes into the folder; local changes stay local. */
async function pullOnly(deps: SyncPassDeps, plan: PassPlan, index: LocalIndex, req: SyncRequest, log: PassLog): Promise<SyncPassResult> {
  const names = deps.names ?? defaultNames;
  const dirty = new Set([...plan.scan.candidates.map((c) => c.path), ...plan.deleted]);
  checkPullDeletes(plan.own, plan.base, deps.massDeleteThreshold, !!req.allowMassDelete);
  const pull = await pullInto(deps, names, plan.own, plan.base, { dirty, localMeta: index.localMeta, scanned: new Map(plan.scan.candidates.map((c) => [c.path, c])) }, log);
  const { head } = plan;
  const seen: LocalIndex = head ? { ...index, rootId: plan.baseRoot?.rootId ?? head.head.rootId, etag: head.etag, generation: head.head.generation, lastSync: log.now() } : index;
  const finalIndex = afterPull(seen, pull);
  await deps.saveIndex?.(finalIndex);
  log.note({ action: 'sync', reason: `pulled ${pull.pulled}; this device may only read this vault: ${dirty.size} local changes were not committed` });
  const after = new Housekeeping();
  await after.run('recording the history', () => log.appendTo(deps.history));
  return {
    uploaded: 0, deleted: 0, renamed: 0, skipped: 0, errors: 0, bytes: 0, state: 'up-to-date', complete: true, index: finalIndex, committed: false,
    problems: [], pulled: pull.pulled, conflicts: [],
    warnings: [...plan.refused, ...(dirty.size > 0 ? [`this device may only read this vault (reader role): ${dirty.size} local changes were not committed`] : []), ...pull.warnings, ...after.warnings],
  };
}

/** Pulls into the folder, or (no writer or reader given) holds every change back for a later pass. */
function pullInto(deps: SyncPassDeps, names: NameResolver, ours: Tree, target: Tree, opts: Parameters<typeof pullTree>[3], log: PassLog): Promise<PullResult> {
  const { folderWriter: writer, reader } = deps;
  if (!writer || !reader) return Promise.resolve({ pulled: 0, heldBack: pullHold(ours, target), inodes: {}, localMeta: {}, warnings: [] });
  return pullTree({ root: deps.root, writer, content: (e) => reader.fileContent(e), names }, ours, target, opts, log);
}

/** The index once the folder holds the pulled tree: inodes of what was written, what was held back. */
function afterPull(index: LocalIndex, pull: PullResult): LocalIndex {
  // Copied only when the pull wrote something: a copy of 100,000 inodes is 6 MB held to the pass's end.
  const pulled = Object.entries(pull.inodes);
  const inodes = pulled.length > 0 ? { ...index.inodes } : index.inodes;
  for (const [p, ino] of pulled) {
    if (ino === null) delete inodes[p];
    else inodes[p] = ino;
  }
  const { heldBack: _held, localMeta: _meta, ...rest } = index;
  return {
    ...rest, inodes,
    ...(Object.keys(pull.heldBack).length ? { heldBack: pull.heldBack } : {}),
    ...(Object.keys(pull.localMeta).length ? { localMeta: pull.localMeta } : {}),
  };
}
