import { VaultSyncer } from '../vault/vault-sync.ts';
import { Maintenance, maintainedSync } from '../vault/maintenance.ts';
import { VaultRunner, type RunnerEvents } from '../vault/vault-runner.ts';
import { MassDeleteError } from '../sync/mass-delete-guard.ts';
import type { SyncPassResult } from '../sync/sync-pass.ts';
import type { PruneReport } from '../sync/retention.ts';
import type { RepackReport } from '../vault/repack.ts';
import type { SyncProgress } from '../ports/vault-service.ts';
import type { OpenVault } from './vault-ops.ts';
import { teamSyncOptions } from './team-sync.ts';

export interface SyncOnceRequest {
  /** Go ahead even when the pass would delete more than half of the vault's files. */
  allowMassDelete?: boolean;
  onProgress?: (p: SyncProgress) => void;
  /**
   * Asked when the mass-delete guard holds the pass back; `true` runs it again allowing the deletions.
   * Without it (or on `false`) the MassDeleteError is thrown: its message says how to proceed.
   */
  confirmMassDelete?: (d: { wouldDelete: number; total: number }) => Promise<boolean>;
  /** Rewrite mostly unused packs after this pass, not only with the daily prune (vault/repack.ts). */
  repack?: boolean;
}

/** What one pass did; `complete` false or `errors` > 0 means some file is not in the vault as it is now. */
export type SyncOnceResult = Omit<SyncPassResult, 'index' | 'committed'> & { pruned?: PruneReport; repacked?: RepackReport };

/**
 * One sync pass of this machine's vault with the maintenance a runner would schedule around it (rotation
 * when due, the daily prune, the dead-upload sweep: vault/maintenance.ts); then the syncer (and its
 * one-writer lock) is released.
 */
export async function syncOnce(vault: OpenVault, req: SyncOnceRequest = {}): Promise<SyncOnceResult> {
  const syncer = new VaultSyncer(vault, { onProgress: req.onProgress, ...(await teamSyncOptions(vault)) });
  const maintenance = new Maintenance(vault, vault.clock, { repackNow: req.repack === true });
  const once = (allowMassDelete: boolean) => maintainedSync(vault, syncer, maintenance, { allowMassDelete });
  try {
    const r = await once(req.allowMassDelete === true).catch(async (err: unknown) => {
      if (!(err instanceof MassDeleteError) || !req.confirmMassDelete) throw err;
      if (!(await req.confirmMassDelete({ wouldDelete: err.wouldDelete, total: err.total }))) throw err;
      return once(true);
    });
    const { index: _index, committed: _committed, ...summary } = r;
    return summary;
  } finally {
    await syncer.close();
  }
}

export type WatchEvents = RunnerEvents;

/** A running watch: passes go on in the background until `stop()`, which waits for the pass in flight. */
export interface Watching {
  readonly folder: string;
  stop(): Promise<void>;
}

/** Keeps the folder synced: a full pass now, then watch hints and a periodic rescan (vault-runner.ts). */
export async function startWatching(vault: OpenVault, events: WatchEvents = {}): Promise<Watching> {
  const runner = new VaultRunner(vault, events, { syncer: await teamSyncOptions(vault) });
  await runner.start();
  return { folder: vault.settings.folder, stop: () => runner.stop() };
}
