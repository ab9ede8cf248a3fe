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
  bytesPerDay(days: number): Promise<{ day: string; bytes: number }[]>;
  versions(path: string): Promise<FileVersion[]>;
  /** Restores one version next to the original as "<name> (restored <time>)" and returns that path. */
  restoreCopy(path: string, versionId: string): Promise<{ restoredPath: string }>;
  keys(): Promise<KeyStatus[]>;
  rotateKey(ref: string): Promise<KeyStatus>;
  keyUsage(ref: string): Promise<KeyUsage>;
  scheduleKeyDeletion(ref: string, days: number, force: boolean): Promise<KeyStatus>;
  cancelKeyDeletion(ref: string): Promise<KeyStatus>;
  audit(): Promise<{ entries: AuditEntry[]; verified: boolean; problem?: string }>;
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

export interface KeyUsage {
  ref: string;
  byVersion: { version: number; files: number; objects: number; examples: string[] }[];
}

export interface AuditEntry {
  seq: number;
  time: string;
  op: 'wrap' | 'unwrap' | 'unwrap-failed' | 'rotate' | 'rewrap' | 'schedule-deletion' | 'cancel-deletion' | 'create';
  key: string;
  version?: number;
  detail?: string;
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
  reveals: { fact: string; value: string }[];
  hides: string[];
}

export type VaultEvent =
  | { type: 'status'; status: VaultStatus }
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'history'; entries: HistoryEntry[] }
  | { type: 'key'; status: KeyStatus }
  | { type: 'reencrypt'; progress: ReencryptView };

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

export interface CreateVaultRequest {
  folder: string;
  /** s3://bucket[/prefix] or file:///abs/path */
  remote: string;
  endpoint?: string;
  /** AWS shared-config profile for S3 credentials. */
  profile?: string;
  /** 'keychain:<name>' | 'passphrase' | 'aws-kms:<id>' | 'pkcs11:<token>/<key>' */
  keyRef: string;
  passphrase?: string;
  allowHttp?: boolean;
}

export interface JoinTeamRequest {
  /** 'coffer-join1:…' as `coffer team invite` or the Team view printed it. */
  code: string;
  folder: string;
  deviceName?: string;
}

export interface JoinVaultRequest {
  folder: string;
  /** s3://bucket[/prefix] or file:///abs/path: where the vault already is. */
  remote: string;
  endpoint?: string;
  profile?: string;
  allowHttp?: boolean;
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
