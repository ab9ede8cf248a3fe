import type { BlobStore } from '../ports/blob-store.ts';
import type { Clock, RandomSource } from '../ports/clock.ts';
import type { HistoryLog, Journal } from '../ports/journal.ts';
import type { Scanner } from '../ports/scanner.ts';
import type { SyncProgress, SyncSummary } from '../ports/vault-service.ts';
import type { Sealer } from '../ports/sealer.ts';
import type { ManifestStore } from '../manifest/manifest-store.ts';
import type { UploadTuning } from './content-uploader.ts';
import { ObjectWriter } from './object-writer.ts';
import { ResumeMap } from './resume-map.ts';
import type { LocalIndex } from './local-index.ts';
import { planPass } from './plan-pass.ts';
import { storeContent } from './store-content.ts';
import { commitPass } from './commit-pass.ts';
import { PassLog } from './pass-log.ts';
import { unportableNameWarnings } from './name-warnings.ts';
import { Housekeeping } from './housekeeping.ts';

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
  /** Saves the local index; called as soon as the head moved, before any housekeeping can fail. */
  saveIndex?: (index: LocalIndex) => Promise<void>;
  /**
   * The highest head generation any reader on this machine saw (vault/seen-head.ts): a restore or verify
   * may have seen a newer head than this device's last sync, and a rollback below it must be refused too.
   */
  seenGeneration?: number;
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
   * What the user should know although the pass succeeded: names first stored now that will not restore
   * on Windows, and post-commit housekeeping that failed (see housekeeping.ts).
   */
  warnings: string[];
}

/**
 * One pass, in three phases with typed hand-offs; nothing in the bucket changes meaning until the
 * commit's conditional head write (FORMAT.md §6):
 * 1. planPass (plan-pass.ts): head, rollback check, scan, mass-delete guard → a PassPlan;
 * 2. storeContent (store-content.ts): new content stored as objects → StoredContent, the new tree;
 * 3. commitPass (commit-pass.ts): segments, root, conditional head, local index, `committed`.
 * Then the pass's history is recorded.
 */
export async function runSyncPass(deps: SyncPassDeps, index: LocalIndex, req: SyncRequest = {}): Promise<SyncPassResult> {
  const log = new PassLog(deps.clock, req.syncId ?? Buffer.from(deps.random(6)).toString('hex'));
  const plan = await planPass(deps, index, req);

  const stamp = { device: deps.deviceId, seq: index.deviceSeq + 1 };
  const io = {
    writer: new ObjectWriter({ store: deps.store, sealer: deps.sealer, journal: deps.journal, vaultId: deps.vaultId, spoolDir: deps.spoolDir, random: deps.random }),
    resume: new ResumeMap(plan.pending),
  };
  const content = await storeContent(deps, plan, index, stamp, io, log);
  const commit = await commitPass(deps, plan, content, index, stamp, io, req, log);

  const { uploaded, renamed, skipped, errors } = content.counts;
  const deleted = plan.deleted.length - content.movedFrom.size;
  log.note({ action: 'sync', reason: `uploaded ${uploaded}, renamed ${renamed}, deleted ${deleted}, skipped ${skipped}, errors ${errors}`, size: content.bytes });
  const after = new Housekeeping();
  await after.run('recording the history', () => deps.history.append(log.entries));
  const complete = content.problems.length === 0;
  return {
    uploaded, deleted, renamed, skipped, errors, bytes: content.bytes,
    state: complete ? 'up-to-date' : 'error', complete, index: commit.index, committed: commit.committed, problems: content.problems,
    warnings: [...(commit.committed ? unportableNameWarnings(content.added) : []), ...commit.warnings, ...after.warnings],
  };
}
