import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AuditEntry, AuditQuery, FileVersion, HistoryEntryView, KeyUsage, ProviderView, SyncSummary, VaultEvent, VaultService, VaultSettingsView, VaultStatus,
  RestoreSnapshotRequest, SnapshotFolderQuery, SnapshotQuery, SnapshotSearchQuery,
} from '../ports/vault-service.ts';
import type { HistoryQuery } from '../ports/journal.ts';
import type { ConflictView, InviteRequest, InviteResult, ReencryptView, Role, TeamView } from '../ports/team.ts';
import type { KeyStatus } from '../ports/key-provider.ts';
import { SnapshotBrowser } from './snapshot-browser.ts';
import { storedState } from './status.ts';
import { checkKeyRef, keyUsage, scheduleKeyDeletion } from './key-ops.ts';
import { fileVersions, queryHistory } from './vault-ops.ts';
import type { SyncerOptions } from '../vault/vault-sync.ts';
import { membershipNames, namesFromRecords, type HistoryNames } from './history-names.ts';
import { sessionOf } from './team-attach.ts';
import { readDeviceRecords } from '../vault/device-records.ts';
import { inviteMember, reencryptTeam, removeDevice, removeMember, setMemberRole, teamView } from './team-ops.ts';
import { vaultConflicts } from './join-ops.ts';
import { providerView } from './provider-view.ts';
import { VaultRunner } from '../vault/vault-runner.ts';
import { BackgroundWork } from '../vault/background-work.ts';
import { SettingsChangeRefused, type LocalVault } from '../vault/local-vault.ts';

/** How long resolved member and device names are reused for history pages (a team changes rarely). */
const NAMES_TTL_MS = 30_000;
/** Audit entries one page holds when the caller does not say. */
const AUDIT_PAGE_DEFAULT = 500;
/** Conflicts the dashboard lists. */
const RECENT_CONFLICTS = 20;

/** The engine behind the desktop app and `coffer ui`: a Vault plus its runner, speaking VaultService. */
export class EngineVaultService implements VaultService {
  private readonly listeners = new Set<(e: VaultEvent) => void>();
  readonly runner: VaultRunner;
  /** The event refreshes below: listeners are not kept waiting, but close() waits for them. */
  readonly background = new BackgroundWork();
  private progress: VaultStatus['progress'];
  /** The re-encryption running now, if any: a second request joins it instead of starting another. */
  private reencrypting: Promise<ReencryptView> | null = null;
  private names: { at: number; names: HistoryNames } | null = null;
  /** The Restore view's calls and restoreCopy (snapshot-browser.ts). */
  private readonly browser: SnapshotBrowser;

  /** `syncer`: the team's part of every pass (use-cases/team-sync.ts teamSyncOptions); the host passes it. */
  constructor(private readonly vault: LocalVault, syncer: SyncerOptions = {}) {
    this.runner = new VaultRunner(vault, {
      onState: () => this.background.run(() => this.status().then((status) => this.emit({ type: 'status', status }))),
      onProgress: (p) => {
        this.progress = p;
        this.emit({ type: 'progress', progress: p });
      },
      onPass: () => {
        this.browser.forgetIndexes();
        this.background.run(() => this.history({ limit: 50 }).then(({ entries }) => this.emit({ type: 'history', entries })));
      },
    }, { syncer });
    this.browser = new SnapshotBrowser({
      vault, names: () => this.resolveNames(), betweenPasses: (fn) => this.runner.withoutSyncing(fn),
      onProgress: (progress) => this.emit({ type: 'restore', progress }),
    });
  }

  /** Which vault this service runs (a host with several folders tags its events with it). */
  get vaultId(): string {
    return this.vault.vaultId;
  }

  /** Stops syncing and waits for every pass and background refresh this service started. */
  async close(): Promise<void> {
    await this.runner.stop();
    await this.background.close();
  }

  async status(): Promise<VaultStatus> {
    // Lenient: the app's status must come back (with the runner's state and error) while the store fails.
    const stored = await storedState(this.vault, { lenient: true });
    return {
      state: this.runner.state, folder: stored.folder, remote: stored.remote, vaultId: stored.vaultId,
      lastSync: this.runner.lastSync, files: stored.files, bytes: stored.bytes,
      failures: this.runner.problems, progress: this.runner.state === 'syncing' ? this.progress : undefined,
      error: this.runner.lastError,
      ...(this.runner.massDelete ? { massDelete: this.runner.massDelete } : {}),
    };
  }

  syncNow(opts: { allowMassDelete?: boolean } = {}): Promise<SyncSummary> {
    return this.runner.syncNow(opts);
  }

  pause = () => this.runner.pause();
  resume = () => this.runner.resume();

  async history(q: HistoryQuery): Promise<{ entries: HistoryEntryView[]; total: number }> {
    return queryHistory(this.vault, q, { names: () => this.resolveNames() });
  }

  async bytesPerDay(days: number, utcOffsetMinutes?: number) {
    return (await this.vault.history()).bytesPerDay(days, utcOffsetMinutes);
  }

  async versions(path: string): Promise<FileVersion[]> {
    return (await fileVersions(this.vault, { path })).versions.map((v) => ({
      versionId: v.rootId, time: v.time, size: v.entry?.size ?? 0, hash: v.entry?.hash ?? '',
      deleted: !v.entry, device: v.entry?.device ?? '',
    }));
  }

  restoreCopy(path: string, versionId: string, opts: { timeZone?: string } = {}): Promise<{ restoredPath: string }> {
    return this.browser.restoreCopy(path, versionId, opts.timeZone);
  }

  snapshots = (q: SnapshotQuery) => this.browser.snapshots(q);
  snapshotFolder = (q: SnapshotFolderQuery) => this.browser.folder(q);
  snapshotSearch = (q: SnapshotSearchQuery) => this.browser.search(q);
  restoreSnapshot = (req: RestoreSnapshotRequest) => this.browser.restore(req);

  async keys(): Promise<KeyStatus[]> {
    return [await this.vault.key.status()];
  }

  async rotateKey(ref: string): Promise<KeyStatus> {
    this.assertKey(ref);
    return this.keyChanged(await this.vault.key.rotate());
  }

  async keyUsage(ref: string): Promise<KeyUsage> {
    this.assertKey(ref);
    const { versions: _v, ...usage } = await keyUsage(this.vault);
    return { ...usage, ref };
  }

  async scheduleKeyDeletion(ref: string, days: number, force: boolean): Promise<KeyStatus> {
    this.assertKey(ref);
    return this.keyChanged((await scheduleKeyDeletion(this.vault, { days, force })).status);
  }

  async cancelKeyDeletion(ref: string): Promise<KeyStatus> {
    this.assertKey(ref);
    return this.keyChanged(await this.vault.key.cancelDeletion());
  }

  async audit(q: AuditQuery = {}): Promise<{ entries: AuditEntry[]; verified: boolean; problem?: string; total: number }> {
    const log = this.vault.audit;
    const v = await log.verify();
    const all = await log.list();
    // Newest first: page 0 is the end of the log.
    const offset = q.offset ?? 0;
    const end = Math.max(0, all.length - offset);
    const page = all.slice(Math.max(0, end - (q.limit ?? AUDIT_PAGE_DEFAULT)), end).reverse();
    return { entries: page, verified: v.ok, ...(v.ok ? {} : { problem: v.problem }), total: all.length };
  }

  async settings(): Promise<VaultSettingsView> {
    const s = this.vault.settings;
    const ignoreRules = await readFile(join(s.folder, '.cofferignore'), 'utf8').catch(() => '');
    const key = await this.vault.key.status();
    return {
      folder: s.folder, ignoreRules, remote: s.remote, sse: s.sse, bandwidthLimitKiBps: s.bwlimitKiBps ?? 0,
      retentionDays: s.retentionDays, rotationPeriodDays: key.rotation?.periodDays ?? s.rotationPeriodDays, launchAtLogin: s.launchAtLogin,
      padding: s.padding,
    };
  }

  async updateSettings(patch: Partial<VaultSettingsView>): Promise<VaultSettingsView> {
    const s = this.vault.settings;
    if (patch.folder !== undefined && patch.folder !== s.folder) throw new SettingsChangeRefused('the folder of a vault cannot be changed here; create a new vault for another folder');
    if (patch.remote !== undefined && patch.remote !== s.remote) throw new SettingsChangeRefused('the destination cannot be changed here; restore into a new vault to move it');
    // Validated and saved first (local-vault.ts): a refused change leaves the ignore rules and the key as they were.
    await this.vault.changeSettings({
      ...(patch.sse !== undefined ? { sse: patch.sse, ...(patch.sse === 'aws:kms' ? {} : { sseKmsKeyId: undefined }) } : {}),
      ...(patch.bandwidthLimitKiBps !== undefined ? { bwlimitKiBps: patch.bandwidthLimitKiBps || undefined } : {}),
      ...(patch.retentionDays !== undefined ? { retentionDays: patch.retentionDays } : {}),
      ...(patch.rotationPeriodDays !== undefined ? { rotationPeriodDays: patch.rotationPeriodDays } : {}),
      ...(patch.launchAtLogin !== undefined ? { launchAtLogin: patch.launchAtLogin } : {}),
      ...(patch.padding !== undefined ? { padding: patch.padding } : {}),
    });
    if (patch.ignoreRules !== undefined) await writeFile(join(s.folder, '.cofferignore'), patch.ignoreRules);
    if (patch.rotationPeriodDays !== undefined) this.keyChanged(await this.vault.key.setRotationPeriod(patch.rotationPeriodDays));
    return this.settings();
  }

  providerView(): Promise<ProviderView> {
    return providerView(this.vault);
  }

  team(): Promise<TeamView> {
    return teamView(this.vault);
  }

  async invite(req: InviteRequest): Promise<InviteResult> {
    const result = await this.runner.withoutSyncing(() => inviteMember(this.vault, req));
    this.names = null;
    return result;
  }

  removeMember = (member: string) => this.teamChanged(() => removeMember(this.vault, member));
  setMemberRole = (member: string, role: Role) => this.teamChanged(() => setMemberRole(this.vault, member, role));
  removeDevice = (device: string) => this.teamChanged(() => removeDevice(this.vault, device));

  reencrypt(): Promise<ReencryptView> {
    if (!this.reencrypting) {
      const run = this.runner.withoutSyncing(() => reencryptTeam(this.vault, { onProgress: (progress) => this.emit({ type: 'reencrypt', progress }) }))
        .then((done) => {
          this.emit({ type: 'reencrypt', progress: done });
          return done;
        })
        .finally(() => {
          this.reencrypting = null;
        });
      this.reencrypting = run;
      // close() waits for it: a re-encryption writes to the bucket and the state folder until it ends.
      this.background.run(() => run);
    }
    return this.reencrypting;
  }

  conflicts(): Promise<ConflictView[]> {
    return vaultConflicts(this.vault, RECENT_CONFLICTS);
  }

  subscribe(listener: (event: VaultEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: VaultEvent): void {
    for (const l of this.listeners) l(e);
  }

  private keyChanged(status: KeyStatus): KeyStatus {
    this.emit({ type: 'key', status });
    return status;
  }

  /** A team change runs between passes (it may commit a signed head under the journal lock). */
  private async teamChanged(change: () => Promise<unknown>): Promise<TeamView> {
    await this.runner.withoutSyncing(change);
    this.names = null;
    return this.team();
  }

  /**
   * Member and device ids -> names (cached): the device records and the membership document the team
   * session already holds; without them (an old vault) the ids stay.
   */
  private async resolveNames(): Promise<HistoryNames> {
    const now = this.vault.clock.now();
    if (!this.names || now - this.names.at >= NAMES_TTL_MS) {
      const session = await sessionOf(this.vault).catch(() => null);
      const { memberNames, ownerMember } = membershipNames(session?.membership?.doc);
      const records = await readDeviceRecords(this.vault).catch(() => []);
      this.names = { at: now, names: namesFromRecords(records, memberNames, ownerMember) };
    }
    return this.names.names;
  }

  /** A reference of an unknown scheme, or to a key other than this vault's, is a usage error (a 400). */
  private assertKey(ref: string): void {
    checkKeyRef(this.vault, ref);
  }
}

