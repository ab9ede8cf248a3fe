import type { HistoryEntry, HistoryQuery } from './journal.ts';
import type { KeyStatus } from './key-provider.ts';
import type { ConflictView, InviteRequest, InviteResult, ReencryptView, Role, TeamView } from './team.ts';

/**
 * VaultService: what the desktop app and `coffer ui` may ask of a running engine. The IPC contract
 * (src-main/ipc/contract.ts) mirrors these calls one to one. Nothing here returns key material.
 */
export interface VaultService {
  status(): Promise<VaultStatus>;
  /** allowMassDelete: the user confirmed the deletions the mass-delete guard paused on. */
  syncNow(opts?: { allowMassDelete?: boolean }): Promise<SyncSummary>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Entries carry the member's and the device's names (memberName, deviceName) where they are known. */
  history(q: HistoryQuery): Promise<{ entries: HistoryEntryView[]; total: number }>;
  /** Per day of the zone `utcOffsetMinutes` east of UTC (default UTC), oldest first. */
  bytesPerDay(days: number, utcOffsetMinutes?: number): Promise<{ day: string; bytes: number }[]>;
  versions(path: string): Promise<FileVersion[]>;
  /**
   * Restores one version next to the original as "<name> (restored <version's local time>).<ext>" (the
   * zone `timeZone`, the UI's; default the system's) and returns that path. The next pass stores it without
   * a new upload (vault/restored-contents.ts).
   */
  restoreCopy(path: string, versionId: string, opts?: { timeZone?: string }): Promise<{ restoredPath: string }>;
  /** The kept snapshots, newest first, a page at a time: `from` is the `next` of the page before. */
  snapshots(q: SnapshotQuery): Promise<{ snapshots: SnapshotView[]; next?: string }>;
  /** One folder of a snapshot ('' for the top), folders first, a page at a time. */
  snapshotFolder(q: SnapshotFolderQuery): Promise<{ items: SnapshotItem[]; total: number }>;
  /** Files and folders of a snapshot whose path contains `query` (case-insensitive), a page at a time. */
  snapshotSearch(q: SnapshotSearchQuery): Promise<{ items: SnapshotItem[]; total: number }>;
  /**
   * Restores chosen paths of a snapshot to where they were (`to` absent: the vault's folder) or into
   * another folder, with `existing` deciding about files already there. 'restore' events report progress.
   * One restore at a time; passes wait while one writes into the vault's folder.
   */
  restoreSnapshot(req: RestoreSnapshotRequest): Promise<RestoreSummary>;
  keys(): Promise<KeyStatus[]>;
  rotateKey(ref: string): Promise<KeyStatus>;
  keyUsage(ref: string): Promise<KeyUsage>;
  scheduleKeyDeletion(ref: string, days: number, force: boolean): Promise<KeyStatus>;
  cancelKeyDeletion(ref: string): Promise<KeyStatus>;
  /** Newest first, one page (default: the newest 500); `total` counts every entry of the log. */
  audit(q?: AuditQuery): Promise<{ entries: AuditEntry[]; verified: boolean; problem?: string; total: number }>;
  settings(): Promise<VaultSettingsView>;
  updateSettings(patch: Partial<VaultSettingsView>): Promise<VaultSettingsView>;
  providerView(): Promise<ProviderView>;
  /** Members, roles, devices, the key generation and how far re-encryption has got (docs/TEAMS.md). */
  team(): Promise<TeamView>;
  /** Adds a member (role as asked) and returns the join code; refused unless this client is an admin. */
  invite(req: InviteRequest): Promise<InviteResult>;
  /** Removes a member (name or id) and starts a new key generation at once; returns the team afterwards. */
  removeMember(member: string): Promise<TeamView>;
  setMemberRole(member: string, role: Role): Promise<TeamView>;
  /** Revokes a device (name or id), e.g. a lost laptop: a new key generation starts at once. */
  removeDevice(device: string): Promise<TeamView>;
  /**
   * Re-encrypts older data under the current generation. Resolves when done; progress arrives meanwhile
   * as 'reencrypt' events (and in team().reencrypt). A second call while one runs joins the running one.
   */
  reencrypt(): Promise<ReencryptView>;
  /** Recent conflict copies, newest first. */
  conflicts(): Promise<ConflictView[]>;
  /** Subscribes to engine events; returns the unsubscribe function. */
  subscribe(listener: (event: VaultEvent) => void): () => void;
}

export type SyncState = 'up-to-date' | 'syncing' | 'paused' | 'error' | 'not-configured';

export interface VaultStatus {
  state: SyncState;
  folder: string;
  remote: string;
  vaultId: string;
  lastSync?: string;
  files: number;
  bytes: number;
  failures: { path: string; reason: string; time: string }[];
  progress?: SyncProgress;
  error?: string;
  /** The mass-delete guard paused the last pass: this many of the vault's files would be deleted. */
  massDelete?: { wouldDelete: number; total: number };
  /** With state 'error': what kind of error, so the UI can give its next step (the message says what happened). */
  errorCode?: StatusErrorCode;
  /** The engine tries again on its own at this time (the destination was unreachable when the app started). */
  nextRetry?: string;
  /** files and bytes are the last counts this machine read: the destination could not be read just now. */
  totalsFromCache?: boolean;
}

/**
 * The kinds of error a status shows. destination-missing: a folder destination is not there (an
 * unplugged disk); destination-unreachable: S3 did not answer (network, endpoint); access-denied: the
 * credentials were refused; files-not-stored: the pass ran but some files could not be read; sync-failed:
 * anything else.
 */
export type StatusErrorCode = 'destination-missing' | 'destination-unreachable' | 'access-denied' | 'files-not-stored' | 'sync-failed';

export interface SyncProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  etaSeconds?: number;
  /** Bytes read per second so far in this pass. */
  bytesPerSecond?: number;
  /** The file whose turn it is (a path inside the folder). */
  currentFile?: string;
}

export interface SyncSummary {
  uploaded: number;
  deleted: number;
  renamed: number;
  skipped: number;
  errors: number;
  bytes: number;
  state: SyncState;
  /**
   * Housekeeping after the commit that failed (prune, dead-upload sweep, journal compaction, spool
   * cleanup): the pass committed all the same, and the step is retried on the next pass.
   */
  warnings?: string[];
}

/** A history entry as the UI shows it: the ids resolved to the names people gave them. */
export interface HistoryEntryView extends HistoryEntry {
  memberName?: string;
  deviceName?: string;
}

export interface FileVersion {
  versionId: string;
  time: string;
  size: number;
  hash: string;
  deleted: boolean;
  device: string;
}

export interface SnapshotQuery {
  /** Default 50. */
  limit?: number;
  /** The root id to start at (the `next` of the page before); default the newest. */
  from?: string;
}

export interface SnapshotView {
  rootId: string;
  time: string;
  /** The device that committed it, by id, and its name where known. */
  device: string;
  deviceName?: string;
  files: number;
  bytes: number;
  /** Files and symlinks added, removed or changed since the snapshot before it (all of them for the first). */
  changed: number;
}

export interface SnapshotFolderQuery {
  rootId: string;
  /** '' for the top of the vault. */
  folder: string;
  offset?: number;
  /** Default 200. */
  limit?: number;
}

export interface SnapshotSearchQuery {
  rootId: string;
  query: string;
  offset?: number;
  limit?: number;
}

export interface SnapshotItem {
  path: string;
  name: string;
  type: 'file' | 'dir' | 'symlink';
  /** A folder: the bytes of every file under it. */
  size: number;
  /** A folder: the files and symlinks under it. */
  files: number;
  mtime?: string;
  /** Against the newest snapshot: gone since ('deleted'), other content, or the same. */
  now: 'same' | 'changed' | 'deleted';
}

export type ExistingChoice = 'keep-both' | 'overwrite' | 'skip';

export interface RestoreSnapshotRequest {
  rootId: string;
  /** Files, or folders with everything under them. */
  paths: string[];
  /** An absolute folder; absent: the original location, the vault's folder. */
  to?: string;
  existing: ExistingChoice;
  /** The zone of the copies' names (keep both): the UI's. */
  timeZone?: string;
}

export interface RestoreSummary {
  /** Where it was written: the vault's folder or `to`. */
  to: string;
  snapshotTime: string;
  /** Files and symlinks written (folders are not counted). */
  restored: number;
  bytes: number;
  skipped: number;
  /** Restored beside a file that was in the way, under a restored-copy name (at most 1000 listed). */
  keptBoth: { path: string; restoredAs: string }[];
  keptBothCount: number;
  /** Entries that could not be restored, and why (at most 1000 listed). */
  failed: { path: string; reason: string }[];
  failedCount: number;
}

export interface RestoreProgress {
  done: number;
  total: number;
  bytes: number;
}

export interface KeyUsage {
  ref: string;
  /** Per key version: paths in any kept snapshot (a path under two versions counts under each). */
  byVersion: { version: number; files: number; objects: number; examples: string[] }[];
  /**
   * Distinct file paths in any kept snapshot (older versions and deleted files included), and of those,
   * the files in the latest snapshot: the count the dashboard shows as "Protected". Symlinks and folders
   * are not counted in either.
   */
  files?: number;
  latestFiles?: number;
}

export interface AuditEntry {
  seq: number;
  time: string;
  op: 'wrap' | 'unwrap' | 'unwrap-failed' | 'rotate' | 'rewrap' | 'schedule-deletion' | 'cancel-deletion' | 'create';
  key: string;
  version?: number;
  detail?: string;
}

/** A page of the audit log: skip `offset` newest entries, then take `limit`. */
export interface AuditQuery {
  offset?: number;
  limit?: number;
}

export interface VaultSettingsView {
  folder: string;
  ignoreRules: string;
  remote: string;
  sse: 'none' | 'aes256' | 'aws:kms' | 'c';
  bandwidthLimitKiBps: number;
  retentionDays: number;
  rotationPeriodDays: number;
  launchAtLogin: boolean;
  /** Size padding of the objects this device writes (journal/settings-store.ts). */
  padding: 'off' | 'padme';
}

export interface ProviderView {
  /**
   * `value` reads as it is; where it stands for a number, `count`, `bytes` or `times` (ISO-8601, UTC) carry
   * it too, so the app formats it the way it formats every other number and time.
   */
  reveals: { fact: string; value: string; count?: number; bytes?: number; times?: { first: string; last: string } }[];
  hides: string[];
}

export type VaultEvent = (
  | { type: 'status'; status: VaultStatus }
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'history'; entries: HistoryEntry[] }
  | { type: 'key'; status: KeyStatus }
  | { type: 'reencrypt'; progress: ReencryptView }
  | { type: 'restore'; progress: RestoreProgress }
) & EventOrigin;

/** Which vault an event is about: a host with several folders sets it (absent: the host's only vault). */
export interface EventOrigin {
  vaultId?: string;
}

/** A folder in the app's switcher: its runner's state, or why it does not run (locked, failed to open). */
export type FolderState = SyncState | 'locked';

export interface FolderView {
  vaultId: string;
  folder: string;
  /** The folder's base name (with its parent's when two share one), as the switcher shows it. */
  name: string;
  state: FolderState;
  /** Why the folder is in 'error' (its last pass failed, or it could not be opened) or 'locked'. */
  error?: string;
  /** The folder the other commands act on. */
  selected: boolean;
}

/**
 * VaultHost: owns zero or one open vault for the app or `coffer ui`. The first-run wizard calls
 * createVault(); afterwards service() returns the running vault.
 */
export interface VaultHost {
  service(): VaultService | null;
  createVault(req: CreateVaultRequest): Promise<{ recoveryKey: string; service: VaultService }>;
  /**
   * Attaches this machine as a new device of an existing vault ("Connect to an existing vault"): registers
   * the device, downloads the tree into the folder (a non-empty folder is merged; files that differ become
   * conflict copies) and starts syncing it.
   */
  joinVault(req: JoinVaultRequest): Promise<{ pulled: number; conflicts: ConflictView[]; service: VaultService }>;
  /**
   * Joins a team vault with the join code an admin made (`coffer team join`): the code names the vault,
   * this machine keeps the member's identity, and becomes a device of that member.
   */
  joinTeam(req: JoinTeamRequest): Promise<{ memberId: string; service: VaultService }>;
  /** The wizard's folder step: is this a folder Coffer can protect (or, to connect, fill)? Writes nothing. */
  checkFolder(req: FolderCheckRequest): Promise<FolderCheck>;
  /**
   * The wizard's destination step: lists, writes and deletes one small object where the vault would
   * go, and says in words what failed and what to do. Nothing stays behind (a failed delete is named).
   */
  testDestination(req: DestinationRequest): Promise<DestinationCheck>;
  /** True when a vault is set up but waits for its passphrase (the app started without one). */
  isLocked?(): boolean;
  /**
   * Opens the locked vault with its passphrase, or with its recovery key (a forgotten passphrase); a
   * wrong one is a KeyUnavailableError.
   */
  unlock?(secret: UnlockSecret): Promise<VaultService>;
  /**
   * While the registered vault cannot be opened because its destination is away (an unplugged disk, no
   * network): its status from local state (state 'error', errorCode, nextRetry); otherwise null. The host
   * keeps trying with backoff and opens the vault when the destination is back.
   */
  waitingStatus?(): VaultStatus | null;
  /** Tries to open the waiting vault now; rejects with why it still cannot. */
  retryNow?(): Promise<VaultService>;
  /** What the host changes on its own (a retry): hosts relay the status and follow the opened service. */
  onChange?(listener: (change: HostChange) => void): () => void;
  /**
   * Several folders (use-cases/multi-vault-host.ts): every registered vault, each syncing on its own,
   * in registry order. A host with this keeps createVault, joinVault and joinTeam open while vaults exist
   * (each adds one and selects it); a host without it holds one vault.
   */
  folders?(): Promise<FolderView[]>;
  /** Makes `vaultId` the vault service() returns (a folder that failed to open is tried again); returns folders(). */
  selectFolder?(vaultId: string): Promise<FolderView[]>;
  /** Why the selected folder's vault could not be opened (null or absent: it is open, locked, or none is set up). */
  selectedError?(): Error | null;
  /** Every vault's events, each with its vaultId (hosts with several folders). */
  subscribe?(listener: (event: VaultEvent) => void): () => void;
  /** Stops watching and closes the journal. */
  close(): Promise<void>;
}

/** How a locked vault is opened: its passphrase, or its recovery key instead. */
export type UnlockSecret = { passphrase: string } | { recoveryKey: string };

/**
 * A change the host made without being asked: the waiting status after a failed try, the vault opened
 * after a try succeeded, or the vault found locked (it needs its passphrase) once the destination came back.
 */
export type HostChange = { type: 'waiting'; status: VaultStatus } | { type: 'opened'; service: VaultService } | { type: 'locked' };

/** Where a vault is and how to reach it: what createVault, joinVault and testDestination share. */
export interface DestinationFields {
  /** s3://bucket[/prefix] or file:///abs/path */
  remote: string;
  endpoint?: string;
  /** AWS shared-config profile for S3 credentials. */
  profile?: string;
  /** S3 region, saved with the vault. */
  region?: string;
  /**
   * S3 access keys instead of a profile (both or neither). They travel renderer -> main only, are never
   * echoed, and are saved on this machine only, mode 0600 (vault/s3-credentials.ts).
   */
  accessKeyId?: string;
  secretAccessKey?: string;
  allowHttp?: boolean;
}

export interface CreateVaultRequest extends DestinationFields {
  folder: string;
  /** 'keychain:<name>' | 'passphrase' | 'aws-kms:<id>' | 'pkcs11:<token>/<key>' */
  keyRef: string;
  passphrase?: string;
}

export interface FolderCheckRequest {
  /** Absolute, or ~/… for the home folder. */
  folder: string;
  /** 'join': a folder that does not exist yet is fine (Connect creates and fills it). Default 'create'. */
  purpose?: 'create' | 'join';
}

export interface FolderCheck {
  ok: boolean;
  /** The folder as the engine resolved it (absolute). */
  folder: string;
  /** Why it cannot be used, in words (when !ok). */
  problem?: string;
  /** Something worth saying although it can be used. */
  note?: string;
}

/** A destination as createVault and joinVault take it, plus the folder (to refuse one inside the other). */
export interface DestinationRequest extends DestinationFields {
  folder?: string;
  /** 'join': a vault must be there; 'create' (default): none may be. */
  purpose?: 'create' | 'join';
}

export interface DestinationCheck {
  ok: boolean;
  /** What was found, or what failed and what to do about it. */
  message: string;
}

export interface JoinTeamRequest {
  /** 'coffer-join1:…' as `coffer team invite` or the Team view printed it. */
  code: string;
  folder: string;
  deviceName?: string;
}

/** `remote`: where the vault already is. */
export interface JoinVaultRequest extends DestinationFields {
  folder: string;
  /** How this device opens the vault key: 'passphrase' | 'aws-kms:<id>' | 'pkcs11:<token>/<key>' | 'keychain:<name>'. */
  keyRef?: string;
  /** Or the vault's recovery key (exactly one of keyRef and recoveryKey). */
  recoveryKey?: string;
  /** Where this device keeps the key afterwards (default: keyRef). */
  saveKeyRef?: string;
  /** The vault's passphrase, when keyRef or saveKeyRef is 'passphrase'. */
  passphrase?: string;
  /** A name people recognise in history and the Team view (default: the host name). */
  deviceName?: string;
}
