import type { RestoreReport } from '../restore/restorer.ts';
import type { ExistingFiles } from '../restore/existing-files.ts';
import type { VaultVerifyReport } from '../vault/vault.ts';
import type { QuickCheckReport } from '../verify/quick-check.ts';
import { slotIsBad, type SlotCheck } from '../keys/index.ts';
import type { HistoryEntry } from '../ports/journal.ts';
import type { AnyVault } from './vault-ops.ts';
import { LocalVault } from '../vault/local-vault.ts';

export interface RestoreRequest {
  to: string;
  /** One file or folder of the vault instead of all of it. */
  path?: string;
  /** The snapshot current at this time instead of the newest. */
  at?: Date;
  /** That snapshot (by root id, as `listSnapshots` gives it) instead of the newest. */
  rootId?: string;
  /** Only these paths (files, or folders with everything under them). */
  paths?: readonly string[];
  /** Every file written beside its path as "<name> (restored <snapshot time>).<ext>" (restore/copy-name.ts). */
  asCopy?: boolean;
  /** Copies (asCopy, existing: 'keep-both'): the zone the copies' names are written in (the UI's; default the system's). */
  timeZone?: string;
  /** Keep set-uid, set-gid, sticky and world-writable bits (dropped by default). */
  preserveMode?: boolean;
  /** Files already in `to`: refuse before writing anything (default), overwrite them, or skip them. */
  existing?: ExistingFiles;
  onProgress?: (done: number, total: number, bytes: number) => void;
}

export type RestoreResult = RestoreReport & { snapshot: { rootId: string; time: string } };

/** Restores a snapshot into `req.to`; on this machine's vault the restore and its problems go in the history. */
export async function restoreVault(vault: AnyVault, req: RestoreRequest): Promise<RestoreResult> {
  const report = await vault.restore(req.to, {
    path: req.path, paths: req.paths, asCopy: req.asCopy, at: req.at, rootId: req.rootId, preserveMode: req.preserveMode, existing: req.existing,
    timeZone: req.timeZone, onProgress: req.onProgress,
  });
  await record(vault, (time) => [
    { time, action: 'restore', size: report.bytes, reason: `${report.restored} entries to ${req.to}${req.at ? ` as of ${req.at.toISOString()}` : ''}` },
    ...report.problems.map((p) => ({ time, action: 'error' as const, path: p.path, reason: `restore: ${p.reason}` })),
  ]);
  return report;
}

export interface VerifyResult {
  report: VaultVerifyReport;
  /** The key slots that failed their check (a subset of report.keySlots). */
  badSlots: SlotCheck[];
  /** Bad files, snapshots and objects plus bad key slots: 0 means all is well. */
  failed: number;
}

/**
 * Checks every retained snapshot from the bucket, reading `samplePercent` of the file versions (100 by
 * default), and the key slots. Unreferenced objects are reported but are not a failure.
 */
export async function verifyVault(vault: AnyVault, req: { samplePercent?: number } = {}): Promise<VerifyResult> {
  const sample = req.samplePercent ?? 100;
  const report = await vault.verify({ samplePercent: sample });
  const badSlots = report.keySlots.filter(slotIsBad);
  const failed = report.bad.length + badSlots.length;
  await record(vault, (time) => [
    { time, action: 'verify', size: report.bytesChecked, reason: `${report.snapshotsChecked} snapshots, ${report.filesChecked} file versions read (${sample} % sample), ${failed} bad` },
    ...report.bad.map((b) => ({ time, action: 'error' as const, ...(b.path ? { path: b.path } : {}), reason: `verify: ${b.reason}` })),
    ...badSlots.map((s) => ({ time, action: 'error' as const, reason: `verify: ${s.detail}` })),
  ]);
  return { report, badSlots, failed };
}

/** `verify --quick`: every object of every retained snapshot by HEAD, nothing downloaded. */
export async function verifyVaultQuick(vault: AnyVault): Promise<{ report: QuickCheckReport; failed: number }> {
  const r = await vault.verifyQuick();
  const failed = r.missing.length + r.bad.length;
  await record(vault, (time) => [
    { time, action: 'verify', reason: `quick: ${r.objects} objects, ${r.confirmed} confirmed, ${r.unchecked} unchecked, ${r.missing.length} missing, ${r.bad.length} bad` },
    ...r.missing.map((key) => ({ time, action: 'error' as const, reason: `verify --quick: ${key} is missing from the bucket` })),
    ...r.bad.map((b) => ({ time, action: 'error' as const, reason: `verify --quick: ${b.key} ${b.reason}` })),
  ]);
  return { report: r, failed };
}

/** A vault opened from the bucket alone has no local history to write to. */
async function record(vault: AnyVault, entries: (time: string) => HistoryEntry[]): Promise<void> {
  if (!(vault instanceof LocalVault)) return;
  await (await vault.history()).append(entries(new Date(vault.clock.now()).toISOString()));
}
