// The engine's use cases: the one module the hosts (cli/, ipc/, ui-server/, app/) import, besides the
// ports (engine/ports/). eslint.config.js holds them to that. Functions take an opened vault and a plain
// request, and return plain results that each host formats; the engine's internals stay free to move.

export type { VaultEnv } from './vault/remote-vault.ts';
export type { InitRequest, RemoteRequest, VaultVerifyReport } from './vault/vault.ts';
export { cofferHome } from './vault/state-dir.ts';
// Where a run's time goes, phase by phase (`coffer sync --debug`).
export { PhaseRecorder, type PhaseTimer } from './ports/phase-timer.ts';

// Opening, history, versions.
export {
  initVault, checkInitRequest, openVault, openVaultFromBucket, locateInVault, fileVersions, queryHistory, vaultFolder, type OpenVault, type AnyVault,
} from './use-cases/vault-ops.ts';
export type { PathVersion } from './manifest/history-walk.ts';

// Another device of a vault that exists (coffer join); the conflict copies passes made.
export { joinVault, vaultConflicts, type JoinRequest } from './use-cases/join-ops.ts';

// Sync: one pass, or a watch that keeps syncing.
export { syncOnce, startWatching, type SyncOnceRequest, type SyncOnceResult, type Watching, type WatchEvents } from './use-cases/sync-ops.ts';

// Restore and verify.
export {
  restoreVault, verifyVault, verifyVaultQuick, type RestoreRequest, type RestoreResult, type VerifyResult,
} from './use-cases/restore-verify.ts';
export type { QuickCheckReport } from './verify/quick-check.ts';
export type { SlotCheck } from './keys/index.ts';

// Status and local state.
export { storedState, vaultStatus, type StoredState, type VaultStatusReport } from './use-cases/status.ts';
export { reindexVault } from './use-cases/reindex.ts';
export type { LocalIndex } from './sync/local-index.ts';

// Key lifecycle.
export {
  KEY_TYPES, checkKeyRef, keyStatus, rotateKey, setKeyRotation, scheduleKeyDeletion, cancelKeyDeletion, keyUsage, readAuditLog,
  verifyAuditLog, exportRecovery, moveKey, changePassphrase, rewrapKeys, checkKeyType, createKey, KeyInUseError,
  type KeyType, type KeyUsageReport, type CreateKeyResult,
} from './use-cases/key-ops.ts';
export type { RewrapReport, RewrapProgress } from './vault/rewrap.ts';

// Teams: members, roles, devices, revocation (docs/FORMAT.md §Team).
export {
  teamView, inviteMember, joinTeam, removeMember, setMemberRole, removeDevice, reencryptTeam, memberPublicId, REVOCATION_NOTE,
  type JoinTeamRequest, type RemovalResult,
} from './use-cases/team-ops.ts';

// The app's and `coffer ui`'s engine: a VaultHost over the vault registered in the state home.
export { openVaultHost, PassphraseRequiredError } from './use-cases/vault-host.ts';
// Several folders, each its own vault, all syncing; one selected for the UI.
export { openMultiVaultHost, MultiVaultHost } from './use-cases/multi-vault-host.ts';

// Parsing of settings a host takes from its user (command-line flags, the setup form).
export { parseSseFlag, formatSse, type SseSetting } from './vault/sse-setting.ts';
export { parseObjectLock } from './vault/bucket-policy-store.ts';
export { checkStorageClass } from './store/s3-put-params.ts';
export { PADDING_MODES, parsePadding, setPadding, type PaddingMode } from './use-cases/padding-ops.ts';
export { displayName } from './fsx/raw-name.ts';
export { formatBytes } from './use-cases/byte-units.ts';
export { relativeInside } from './fsx/path-inside.ts';

// Errors hosts tell apart (exit codes, prompts); hosts that must stay light import errors.ts itself.
export * from './errors.ts';
