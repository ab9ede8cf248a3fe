import type { UploadTuning } from '../sync/content-uploader.ts';
import type { SyncProgress } from '../ports/vault-service.ts';
import { FileJournal } from '../journal/file-journal.ts';
import { FsScanner } from '../scan/fs-scanner.ts';
import { IgnoreRules } from '../scan/ignore-rules.ts';
import { loadIndex, saveIndex, type LocalIndex } from '../sync/local-index.ts';
import { Housekeeping } from '../sync/housekeeping.ts';
import { runSyncPass, type SyncPassResult, type SyncRequest } from '../sync/sync-pass.ts';
import { lastSeenGeneration } from './seen-head.ts';
import { pruneVault, type PruneReport } from '../sync/retention.ts';
import type { Vault } from './vault.ts';
import { ConcurrentWriterError } from '../manifest/manifest-store.ts';
import { rm } from 'node:fs/promises';

const DAY = 86_400_000;

/**
 * Syncs one vault's folder. Holds the journal (and so the one-writer lock) for its lifetime, so two
 * `coffer` processes never sync the same vault at once.
 */
export class VaultSyncer {
  private journal: FileJournal | null = null;
  private ignore: IgnoreRules | null = null;

  constructor(
    private readonly vault: Vault,
    private readonly opts: { tuning?: Partial<UploadTuning>; onProgress?: (p: SyncProgress) => void } = {},
  ) {}

  get folder(): string {
    const s = this.vault.settings;
    if (!s) throw new Error('this vault has no local folder on this machine');
    return s.folder;
  }

  async sync(req: SyncRequest = {}): Promise<SyncPassResult & { pruned?: PruneReport }> {
    const { vault } = this;
    const settings = vault.settings;
    const journal = (this.journal ??= await FileJournal.open(vault.paths.dir));
    const ignore = await this.ignoreRules();
    const history = await vault.history();
    const scanner = new FsScanner({ root: this.folder, ignore, clock: vault.clock, excludeAbsolute: [vault.env.home] });
    const index = await loadIndex(vault.paths.index);
    const syncId = Buffer.from(vault.random(6)).toString('hex');
    try {
      await vault.key.rotateIfDue();
      const deps = {
        root: this.folder, vaultId: vault.vaultId, deviceId: settings.deviceId, store: vault.store, sealer: vault.sealer,
        manifest: vault.manifest, journal, history, scanner, clock: vault.clock, random: vault.random,
        spoolDir: vault.paths.spool, keyVersion: () => vault.key.currentVersion(),
        massDeleteThreshold: settings.massDeleteThreshold, tuning: this.opts.tuning, onProgress: this.opts.onProgress,
        saveIndex: (i: LocalIndex) => saveIndex(vault.paths.index, i),
        seenGeneration: await lastSeenGeneration(vault.paths),
      };
      const result = await passWithRetryOnConcurrentWriter(() => runSyncPass(deps, index, { ...req, syncId }));
      let next = result.index;
      const committed = next.deviceSeq > index.deviceSeq;
      // A commit saved the index itself, first; a pass with nothing to commit saves what it learnt here.
      if (!committed) await saveIndex(vault.paths.index, next);
      const after = new Housekeeping();
      let pruned: PruneReport | undefined;
      const now = vault.clock.now();
      const pruneDue = !!next.rootId && (!next.lastPrune || now - Date.parse(next.lastPrune) > DAY);
      if (pruneDue) {
        pruned = await after.run('pruning past the retention period', () => pruneVault({ store: vault.store, manifest: vault.manifest }, next.rootId!, {
          now, retentionDays: settings.retentionDays, graceMs: DAY,
          ...(settings.objectLock ? { lockedForMs: settings.objectLock.days * DAY } : {}),
        }));
        // Only a prune that finished counts as today's: a failed one is tried again on the next pass.
        if (pruned) {
          next = { ...next, lastPrune: new Date(now).toISOString() };
          await after.run('saving the prune date', () => saveIndex(vault.paths.index, next));
        }
      }
      // After a commit of every file nothing pending refers to a spool file any more; a scoped or
      // incomplete pass keeps the spools of uploads still waiting to resume (sync-pass.ts).
      if (committed && !req.scope && result.complete) await after.run('cleaning the spool', () => rm(vault.paths.spool, { recursive: true, force: true }));
      if (committed || pruneDue) await after.run('aborting dead multipart uploads', () => abortDeadUploads(vault, pruneDue ? now - DAY : null));
      await after.run('writing the key audit log', () => vault.key.flushAudit());
      const warnings = [...result.warnings, ...after.warnings];
      if (warnings.length > 0) {
        const time = new Date(vault.clock.now()).toISOString();
        await history.append(warnings.map((reason) => ({ time, action: 'warning' as const, reason, syncId }))).catch(() => undefined);
      }
      return { ...result, index: next, pruned, warnings };
    } catch (err) {
      await history.append([{ time: new Date(vault.clock.now()).toISOString(), action: 'error', reason: (err as Error).message, syncId }]);
      throw err;
    } finally {
      // A failed compaction (ENOSPC, EIO) is only a warning for this pass, but it leaves the journal
      // refusing writes: drop it so the next pass reopens it from the file instead of failing forever.
      if (journal.needsReopen) await this.dropJournal(journal);
    }
  }

  private async dropJournal(journal: FileJournal): Promise<void> {
    if (this.journal === journal) this.journal = null;
    await journal.close().catch(() => undefined);
  }

  /** The folder's ignore rules; the watcher shares this instance so both agree on what is invisible. */
  async ignoreRules(): Promise<IgnoreRules> {
    this.ignore ??= await IgnoreRules.load(this.folder);
    return this.ignore;
  }

  async close(): Promise<void> {
    await this.journal?.close();
    this.journal = null;
  }
}

/**
 * Another device moved the head while this pass ran. The pass is redone on top of the new head: objects it
 * already stored are in the journal and are reused, so a retry costs a scan and a manifest write.
 */
async function passWithRetryOnConcurrentWriter<T>(pass: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await pass();
    } catch (err) {
      if (!(err instanceof ConcurrentWriterError) || i >= attempts) throw err;
    }
  }
}

/**
 * Multipart uploads that can never be of use, aborted because they cost storage silently:
 * - one whose object already exists: objects are written once (create-only), so it can never complete.
 *   A crash between starting an upload and saving its checkpoint leaves such an upload behind, since the
 *   resumed pass stores the object with a new one;
 * - with `staleBefore`, one started before then (a day ago): no device's resumable work any more.
 */
async function abortDeadUploads(vault: Vault, staleBefore: number | null): Promise<void> {
  const { store } = vault;
  if (!store.pendingUploads || !store.abortUpload) return;
  for await (const u of store.pendingUploads()) {
    const stale = staleBefore !== null && u.initiated !== undefined && u.initiated.getTime() < staleBefore;
    if (stale || (await store.head(u.key))) await store.abortUpload(u);
  }
}
