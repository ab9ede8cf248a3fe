import type { UploadTuning } from '../sync/content-uploader.ts';
import type { SyncProgress } from '../ports/vault-service.ts';
import { FileJournal } from '../journal/file-journal.ts';
import { FsScanner } from '../scan/fs-scanner.ts';
import { IgnoreRules } from '../scan/ignore-rules.ts';
import { loadIndex, saveIndex, type LocalIndex } from '../sync/local-index.ts';
import { Housekeeping } from '../sync/housekeeping.ts';
import { runSyncPass, type SyncPassResult, type SyncRequest } from '../sync/sync-pass.ts';
import { readersSeenGeneration } from './seen-head.ts';
import type { LocalVault } from './local-vault.ts';
import { ConcurrentWriterError } from '../manifest/manifest-store.ts';
import { rm } from 'node:fs/promises';
import type { NameResolver } from '../sync/merge-trees.ts';
import type { BaseChooser } from '../sync/plan-pass.ts';
import { folderWriter } from './folder-writer.ts';
import { restoredContents } from './restored-contents.ts';
import { noPhaseTimer } from '../ports/phase-timer.ts';

export interface SyncerOptions {
  tuning?: Partial<UploadTuning>;
  onProgress?: (p: SyncProgress) => void;
  /** Member and device names for conflict copies and history (device records, the membership document). */
  names?: NameResolver;
  /** The role check (plan-pass.ts BaseChooser): which root of the head to merge with. */
  chooseBase?: BaseChooser;
  /** false: this device may only read (reader role); passes pull and never commit. */
  canCommit?: boolean;
  /** Runs before each pass reads anything (a team vault's key and membership catch up: team-sync.ts). */
  beforePass?: () => Promise<void>;
}

/**
 * Syncs one vault's folder. Holds the journal (and so the one-writer lock) for its lifetime, so two
 * `coffer` processes never sync the same vault at once.
 */
export class VaultSyncer {
  private journal: FileJournal | null = null;
  private ignore: IgnoreRules | null = null;

  constructor(
    private readonly vault: LocalVault,
    private readonly opts: SyncerOptions = {},
  ) {}

  get folder(): string {
    const s = this.vault.settings;
    if (!s) throw new Error('this vault has no local folder on this machine');
    return s.folder;
  }

  /**
   * One pass (sync/sync-pass.ts) over the folder, with this machine's bookkeeping around it: the index
   * saved, the spool cleaned after a complete commit, the key audit log written, warnings and errors in
   * the history. Key rotation, pruning and the dead-upload sweep are not part of a pass: whoever
   * schedules passes runs them (vault/maintenance.ts).
   */
  async sync(req: SyncRequest = {}): Promise<SyncPassResult> {
    const { vault } = this;
    const phases = vault.env.phases ?? noPhaseTimer;
    if (this.opts.beforePass) await phases.time('catching up with the team', this.opts.beforePass);
    const settings = vault.settings;
    const journal = (this.journal ??= await phases.time('opening the journal (lock)', () => FileJournal.open(vault.paths.dir)));
    const ignore = await this.ignoreRules();
    const history = await phases.time('opening the history', () => vault.history());
    const scanner = new FsScanner({ root: this.folder, ignore, clock: vault.clock, excludeAbsolute: [vault.env.home] });
    const index = await phases.time('loading the index', () => loadIndex(vault.paths.index));
    const syncId = req.syncId ?? Buffer.from(vault.random(6)).toString('hex');
    try {
      const deps = {
        root: this.folder, vaultId: vault.vaultId, deviceId: settings.deviceId, store: vault.store, sealer: vault.sealer,
        manifest: vault.manifest, journal, history, scanner, clock: vault.clock, random: vault.random,
        spoolDir: vault.paths.spool, keyVersion: () => vault.key.currentVersion(),
        massDeleteThreshold: settings.massDeleteThreshold,
        // The vault's padding setting is read at each pass: a change in the Settings view applies to the next one.
        tuning: { padding: settings.padding, ...this.opts.tuning }, onProgress: this.opts.onProgress,
        chunker: () => vault.chunker(),
        restoredContents: () => restoredContents(vault.paths, vault.clock.now()),
        folderWriter: folderWriter(this.folder), reader: vault.reader,
        names: this.opts.names, chooseBase: this.opts.chooseBase, canCommit: this.opts.canCommit,
        saveIndex: (i: LocalIndex) => saveIndex(vault.paths.index, i), phases,
        // The index is loaded already: only the readers' mark is read (the pass takes the max of both).
        seenGeneration: await readersSeenGeneration(vault.paths),
      };
      const result = await passWithRetryOnConcurrentWriter(() => runSyncPass(deps, index, { ...req, syncId }));
      // The pass saved the index itself (deps.saveIndex), or, a no-change pass, had nothing to save.
      const after = new Housekeeping();
      // After a commit of every file nothing pending refers to a spool file any more; a scoped or
      // incomplete pass keeps the spools of uploads still waiting to resume (commit-pass.ts).
      if (result.committed && !req.scope && result.complete) await after.run('cleaning the spool', () => rm(vault.paths.spool, { recursive: true, force: true }));
      // A no-change pass used no key (it opened nothing), so this writes nothing then.
      await phases.time('writing the key audit log', () => after.run('writing the key audit log', () => vault.key.flushAudit()));
      const warnings = [...result.warnings, ...after.warnings];
      if (warnings.length > 0) {
        const time = new Date(vault.clock.now()).toISOString();
        await history.append(warnings.map((reason) => ({ time, action: 'warning' as const, reason, syncId }))).catch(() => undefined);
      }
      return { ...result, warnings };
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
