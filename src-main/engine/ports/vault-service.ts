import type { HistoryEntry, HistoryQuery } from './journal.ts';
import type { KeyStatus } from './key-provider.ts';

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
  history(q: HistoryQuery): Promise<{ entries: HistoryEntry[]; total: number }>;
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
}

export interface SyncProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  etaSeconds?: number;
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
}

export interface ProviderView {
  reveals: { fact: string; value: string }[];
  hides: string[];
}

export type VaultEvent =
  | { type: 'status'; status: VaultStatus }
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'history'; entries: HistoryEntry[] }
  | { type: 'key'; status: KeyStatus };

/**
 * VaultHost: owns zero or one open vault for the app or `coffer ui`. The first-run wizard calls
 * createVault(); afterwards service() returns the running vault.
 */
export interface VaultHost {
  service(): VaultService | null;
  createVault(req: CreateVaultRequest): Promise<{ recoveryKey: string; service: VaultService }>;
  /** True when a vault is set up but waits for its passphrase (the app started without one). */
  isLocked?(): boolean;
  /** Opens the locked vault with its passphrase; a wrong one is a KeyUnavailableError. */
  unlock?(passphrase: string): Promise<VaultService>;
  /** Stops watching and closes the journal. */
  close(): Promise<void>;
}

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
