// Names for the contract's payload types, as the views use them.
import type { Response, Request } from '../../src-main/ipc/contract.ts';

export type {
  ApiClient, CommandName, Transport, VaultEvent, ErrorCode,
} from '../../src-main/ipc/contract.ts';
export type VaultStatus = Response<'status'>;
export type SyncState = VaultStatus['state'];
export type SyncProgress = NonNullable<VaultStatus['progress']>;
export type HistoryEntry = Response<'history'>['entries'][number];
export type HistoryAction = HistoryEntry['action'];
export type HistoryQuery = Request<'history'>;
export type FileVersion = Response<'versions'>[number];
export type KeyStatus = Response<'keys'>[number];
export type KeyUsage = Response<'keyUsage'>;
export type AuditLog = Response<'audit'>;
export type AuditEntry = AuditLog['entries'][number];
export type Settings = Response<'settings'>;
export type SettingsPatch = Request<'updateSettings'>['patch'];
export type ProviderView = Response<'providerView'>;
export type CreateVaultRequest = Request<'createVault'>;
export type DayBytes = Response<'bytesPerDay'>[number];
export type TeamView = Response<'team'>;
export type MemberView = TeamView['members'][number];
export type DeviceView = TeamView['devices'][number];
export type ReencryptView = Response<'reencrypt'>;
export type Role = MemberView['role'];
export type InviteRequest = Request<'invite'>;
export type InviteResult = Response<'invite'>;
export type ConflictView = Response<'conflicts'>[number];
export type JoinVaultRequest = Request<'joinVault'>;
export type JoinVaultResult = Response<'joinVault'>;
export type JoinTeamRequest = Request<'joinTeam'>;
export type SnapshotView = Response<'snapshots'>['snapshots'][number];
export type SnapshotItem = Response<'snapshotFolder'>['items'][number];
export type ExistingChoice = Request<'restoreSnapshot'>['existing'];
export type RestoreSummary = Response<'restoreSnapshot'>;
export type RestoreProgress = Extract<import('../../src-main/ipc/contract.ts').VaultEvent, { type: 'restore' }>['progress'];
export type FolderView = Response<'folders'>[number];
export type FolderState = FolderView['state'];
