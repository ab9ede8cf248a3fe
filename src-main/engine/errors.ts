/**
 * The error classes hosts tell apart (exit codes, prompts, the next step they print), from their homes in
 * the engine. Part of the engine API beside api.ts, and light: a host loads it on its error path without
 * loading the engine (api.ts pulls in all of it, the AWS SDKs included).
 */
export { HeadIntegrityError, RollbackError, MissingHeadError, NoSnapshotError } from './manifest/head-check.ts';
export { MassDeleteError } from './sync/mass-delete-guard.ts';
export { KeyUsageError, KeychainEmptyError, KeychainUnavailableError } from './keys/key-errors.ts';
export { MembershipError, TeamPermissionError, RemovedMemberError } from './team/team-errors.ts';
export { RestoreConflictError, RestoreTargetError, conflictSummary, type ExistingFiles } from './restore/existing-files.ts';
