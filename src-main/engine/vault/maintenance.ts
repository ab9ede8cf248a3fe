import type { Clock } from '../ports/clock.ts';
import { saveIndex, type LocalIndex } from '../sync/local-index.ts';
import { Housekeeping } from '../sync/housekeeping.ts';
import type { SyncPassResult, SyncRequest } from '../sync/sync-pass.ts';
import { pruneVault, type PruneReport } from '../sync/retention.ts';
import type { LocalVault } from './local-vault.ts';
import type { VaultSyncer } from './vault-sync.ts';
import { ensureDeviceRecord } from './device-records.ts';
import { noPhaseTimer } from '../ports/phase-timer.ts';
import { repackVault, type RepackOptions, type RepackReport } from './repack.ts';

const DAY = 86_400_000;

/** What the maintenance after a pass did: the index (with the prune date), the prune, the repack, what failed. */
export interface Upkeep {
  index: LocalIndex;
  pruned?: PruneReport;
  repacked?: RepackReport;
  warnings: string[];
}

export interface MaintenanceOptions {
  /** Repack after this pass even when the daily prune is not due (`coffer sync --repack`). */
  repackNow?: boolean;
  repack?: RepackOptions;
}

/**
 * The vault's scheduled work around sync passes, which a pass itself does not need: key rotation when
 * the period ran out (before a pass, so the pass seals with the new version), the prune past the
 * retention period once a day with the repack of mostly dead packs after it (vault/repack.ts), and the
 * sweep of multipart uploads that can never complete. The clock decides "due". Run by whoever schedules passes: VaultRunner (app, watch) and the CLI's one-shot
 * `coffer sync`, both through maintainedSync().
 */
export class Maintenance {
  constructor(
    private readonly vault: LocalVault,
    private readonly clock: Clock = vault.clock,
    private readonly opts: MaintenanceOptions = {},
  ) {}

  /** Adds a key version when the rotation period has run out (keys/managed-key.ts). A failure fails the pass. */
  async beforePass(): Promise<void> {
    await this.vault.key.rotateIfDue();
  }

  /**
   * After a pass: prunes once a day (a prune that failed is due again at the next pass), then repacks
   * (also when asked for now), and aborts dead multipart uploads after a commit or a prune. Each step's
   * failure is a warning; the pass stands.
   */
  async afterPass(pass: Pick<SyncPassResult, 'index' | 'committed'>): Promise<Upkeep> {
    const { vault } = this;
    const settings = vault.settings;
    const after = new Housekeeping();
    let index = pass.index;
    let pruned: PruneReport | undefined;
    const now = this.clock.now();
    const pruneDue = !!index.rootId && (!index.lastPrune || now - Date.parse(index.lastPrune) > DAY);
    if (pruneDue) {
      pruned = await after.run('pruning past the retention period', () => pruneVault({ store: vault.store, manifest: vault.manifest }, index.rootId!, {
        now, retentionDays: settings.retentionDays, graceMs: DAY,
        ...(settings.objectLock ? { lockedForMs: settings.objectLock.days * DAY } : {}),
      }));
      // Only a prune that finished counts as today's: a failed one is tried again on the next pass.
      if (pruned) {
        index = { ...index, lastPrune: new Date(now).toISOString() };
        const saved = index;
        await after.run('saving the prune date', () => saveIndex(vault.paths.index, saved));
      }
    }
    let repacked: RepackReport | undefined;
    if (index.rootId && (pruneDue || this.opts.repackNow)) {
      const before = index;
      const done = await after.run('repacking mostly unused packs', () => repackVault(vault, before, this.opts.repack));
      if (done) {
        ({ index, report: repacked } = done);
        const line = repackHistoryLine(done.report);
        if (line) await after.run('recording the repack', async () => (await vault.history()).append([{ time: new Date(this.clock.now()).toISOString(), action: 'sync', reason: line }]));
      }
    }
    if (pass.committed || pruneDue) await after.run('aborting dead multipart uploads', () => abortDeadUploads(vault, pruneDue ? now - DAY : null));
    // A vault made before device records (or an init whose write failed) registers this device once.
    await after.run("registering this device's record in the vault", () => ensureDeviceRecord(vault));
    return { index, pruned, repacked, warnings: after.warnings };
  }
}

/** The history's line for a repack that committed; null for one that found nothing to do or was skipped. */
export function repackHistoryLine(r: RepackReport): string | null {
  if (!r.rootId) return null;
  return `Repacked ${r.packs} packs: ${r.files} files, ${(r.freedBytes / 1048576).toFixed(1)} MiB freed after retention`;
}

/**
 * One sync pass with the vault's maintenance around it: `coffer sync` runs it once, VaultRunner for each
 * pass it schedules. Maintenance warnings join the pass's in the result and in the history.
 */
export async function maintainedSync(
  vault: LocalVault, syncer: VaultSyncer, maintenance: Maintenance, req: SyncRequest = {},
): Promise<SyncPassResult & { pruned?: PruneReport; repacked?: RepackReport }> {
  const syncId = req.syncId ?? Buffer.from(vault.random(6)).toString('hex');
  const phases = vault.env.phases ?? noPhaseTimer;
  try {
    await phases.time('key rotation check', () => maintenance.beforePass());
  } catch (err) {
    const history = await vault.history();
    await history.append([{ time: new Date(vault.clock.now()).toISOString(), action: 'error', reason: (err as Error).message, syncId }]).catch(() => undefined);
    throw err;
  }
  const result = await phases.time('pass', () => syncer.sync({ ...req, syncId }));
  const upkeep = await phases.time('upkeep (prune, upload sweep, device record)', () => maintenance.afterPass(result));
  // The upkeep's own key uses (a prune reads roots, a device record is sealed) are logged with this pass,
  // not left to the next one, which would then write audit lines although it used no key.
  await vault.key.flushAudit().catch((err: Error) => upkeep.warnings.push(`writing the key audit log failed: ${err.message}`));
  if (upkeep.warnings.length > 0) {
    const time = new Date(vault.clock.now()).toISOString();
    const history = await vault.history();
    await history.append(upkeep.warnings.map((reason) => ({ time, action: 'warning' as const, reason, syncId }))).catch(() => undefined);
  }
  return { ...result, index: upkeep.index, pruned: upkeep.pruned, repacked: upkeep.repacked, warnings: [...result.warnings, ...upkeep.warnings] };
}

/**
 * Multipart uploads that can never be of use, aborted because they cost storage silently:
 * - one whose object already exists: objects are written once (create-only), so it can never complete.
 *   A crash between starting an upload and saving its checkpoint leaves such an upload behind, since the
 *   resumed pass stores the object with a new one;
 * - with `staleBefore`, one started before then (a day ago): no device's resumable work any more.
 */
async function abortDeadUploads(vault: LocalVault, staleBefore: number | null): Promise<void> {
  const { store } = vault;
  if (!store.pendingUploads || !store.abortUpload) return;
  for await (const u of store.pendingUploads()) {
    const stale = staleBefore !== null && u.initiated !== undefined && u.initiated.getTime() < staleBefore;
    if (stale || (await store.head(u.key))) await store.abortUpload(u);
  }
}
