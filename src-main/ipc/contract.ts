/**
 * The one IPC contract between the UI (Electron renderer or a browser via `coffer ui`) and the engine.
 * It mirrors VaultService and VaultHost (src-main/engine/ports/vault-service.ts) one to one; the type
 * checks at the bottom fail to compile when the two drift apart.
 *
 * This file imports only zod and types, so the renderer (browser) and main (Node) both import it.
 *
 * Secrets: nothing that crosses this contract carries key material, with TWO deliberate exceptions:
 * - createVault returns the recovery key, once, so the first-run wizard can show it as the recovery kit.
 *   The renderer keeps it only in component state and drops it after confirmRecoverySaved. (The kit
 *   can be printed again later with `coffer keys export-recovery`, which opens the vault with its key.)
 * - invite returns the join code, which carries a one-time member identity when the invite was made
 *   without the member's public key (docs/TEAMS.md): the Team view shows it once, in the invite dialog,
 *   says it is a secret until used, and drops it when the dialog closes.
 * Secrets that travel the other way, renderer -> main, are never echoed: the passphrase in createVault,
 * joinVault and unlock, the recovery key in joinVault, the join code in joinTeam, and the S3 secret
 * access key in createVault, joinVault and testDestination.
 *
 * Validation: requests are z.strictObject (unknown keys are an error). Responses are z.object, which
 * strips unknown keys: main parses every engine result with the response schema before sending, so a
 * field the engine adds later cannot cross to the UI unnoticed; the client validates again on arrival.
 *
 * Wire protocol
 * - Electron IPC. The preload exposes only `window.coffer = { invoke(channel, payload), subscribe(cb) }`.
 *   channel = ipcChannel(command) = 'coffer:<command>'. Main validates the sender and the payload and
 *   ALWAYS resolves with an IpcEnvelope: { ok: true, value } or { ok: false, error: { code, message } }
 *   (ipcRenderer.invoke would flatten a thrown error into a string). Engine events are sent on
 *   EVENT_CHANNEL ('coffer:event') with one VaultEvent as the argument; subscribe(cb) receives the event.
 * - HTTP (`coffer ui`, 127.0.0.1 only). The page is opened at http://127.0.0.1:<port>/#token=<token>;
 *   the renderer reads the token from the fragment (never sent to the server in the page request),
 *   keeps it in sessionStorage and removes it from the address bar.
 *   - POST /api/<command>, Content-Type: application/json, header `X-Coffer-Token: <token>`, body = the
 *     request JSON ({} for commands without arguments). Body limit 64 KiB.
 *   - 200 with the response JSON (void commands answer `null`).
 *   - Errors answer `{ "error": { "code", "message" } }` with the status from HTTP_STATUS below:
 *     400 invalid-request, 401 unauthorized (missing/wrong token), 403 forbidden (foreign Origin or Host),
 *     404 not-found (unknown command or path), 409 not-configured, 423 key-unavailable, 502 store-error,
 *     500 internal, 413 body too large (code invalid-request).
 *   - GET /api/events?token=<token> -> text/event-stream (EventSource cannot send headers, hence the
 *     query parameter). Each message is `data: <VaultEvent JSON>\n\n`; the server sends `: ping` comments
 *     every 15 s. Origin/Host checks apply to both.
 */
import { z } from 'zod';
import type * as port from '../engine/ports/vault-service.ts';
import type { HistoryEntry, HistoryQuery } from '../engine/ports/journal.ts';
import type { KeyStatus } from '../engine/ports/key-provider.ts';
import type * as team from '../engine/ports/team.ts';

// Bounds: generous for real data, small enough that a hostile payload cannot balloon memory.
const MAX_PATH = 4096;
const MAX_TEXT = 2048;
const MAX_LONG_TEXT = 64 * 1024;
const Text = z.string().max(MAX_TEXT);
const PathText = z.string().min(1).max(MAX_PATH);
const Time = z.string().max(64); // ISO-8601
const KeyRef = z.string().min(1).max(256);
const Count = z.number().int().nonnegative();
const Bytes = z.number().nonnegative().finite();
const Empty = z.strictObject({});
const Id = z.string().min(1).max(256);
/** A member's or a device's name: what people typed, without control characters. */
const Name = z.string().min(1).max(128).regex(/^[^\p{Cc}]+$/u, 'names cannot hold control characters');
// Void results: IPC may carry undefined, HTTP carries null; both become undefined for the caller.
const Void = z.union([z.null(), z.undefined()]).transform((): void => undefined);

export const SyncState = z.enum(['up-to-date', 'syncing', 'paused', 'error', 'not-configured']);
export const HistoryAction = z.enum(['upload', 'delete', 'rename', 'skip', 'error', 'restore', 'verify', 'sync', 'key', 'warning', 'pull', 'conflict']);

export const SyncProgress = z.object({
  filesDone: Count, filesTotal: Count, bytesDone: Bytes, bytesTotal: Bytes, etaSeconds: Bytes.optional(),
});
export const VaultStatus = z.object({
  state: SyncState,
  folder: z.string().max(MAX_PATH),
  remote: z.string().max(MAX_PATH),
  vaultId: z.string().max(256),
  lastSync: Time.optional(),
  files: Count,
  bytes: Bytes,
  failures: z.array(z.object({ path: z.string().max(MAX_PATH), reason: Text, time: Time })).max(1000),
  progress: SyncProgress.optional(),
  error: Text.optional(),
  massDelete: z.object({ wouldDelete: Count, total: Count }).optional(),
});
export const SyncSummary = z.object({
  uploaded: Count, deleted: Count, renamed: Count, skipped: Count, errors: Count, bytes: Bytes, state: SyncState,
  warnings: z.array(Text).max(100).optional(),
});
export const HistoryEntrySchema = z.object({
  time: Time, action: HistoryAction, path: z.string().max(MAX_PATH).optional(), size: Bytes.optional(),
  reason: Text.optional(), syncId: z.string().max(128).optional(),
  /** Who changed it and on which device: ids, and the names the UI shows (absent in a vault of one device). */
  member: Id.optional(), device: Id.optional(), memberName: Name.optional(), deviceName: Name.optional(),
  /** 'conflict': where the other version was written. */
  copyPath: z.string().max(MAX_PATH).optional(),
  /** 'rename': the path before. */
  from: z.string().max(MAX_PATH).optional(),
  /** With foldNoChange: this row stands for `count` passes that changed nothing, from `since` to `time`. */
  folded: z.object({ count: Count, since: Time }).optional(),
});
export const HistoryQuerySchema = z.strictObject({
  limit: z.number().int().min(1).max(1000).optional(),
  offset: Count.optional(),
  actions: z.array(HistoryAction).max(HistoryAction.options.length).optional(),
  pathContains: z.string().max(MAX_PATH).optional(),
  /** A half-open time range [since, until), ISO-8601. */
  since: Time.optional(),
  until: Time.optional(),
  foldNoChange: z.boolean().optional(),
});
export const FileVersion = z.object({
  versionId: z.string().max(256), time: Time, size: Bytes, hash: z.string().max(256), deleted: z.boolean(),
  device: z.string().max(256),
});
export const KeyStatusSchema = z.object({
  ref: KeyRef,
  provider: z.enum(['keychain', 'passphrase', 'recovery', 'aws-kms', 'pkcs11']),
  type: z.enum(['aes-256', 'rsa-4096', 'x25519']),
  state: z.enum(['enabled', 'disabled', 'pending-deletion', 'locked', 'missing', 'error']),
  detail: Text.optional(),
  versions: z.array(z.object({ version: Count, createdAt: Time, current: z.boolean() })).max(10_000),
  rotation: z.object({
    enabled: z.boolean(), periodDays: Count, lastRotated: Time.optional(), nextRotation: Time.optional(),
  }).optional(),
  deletionDate: Time.optional(),
});
export const KeyUsage = z.object({
  ref: KeyRef,
  byVersion: z.array(z.object({
    version: Count, files: Count, objects: Count, examples: z.array(z.string().max(MAX_PATH)).max(100),
  })).max(10_000),
  /** Distinct paths under any key version in any kept snapshot, and how many of them the latest holds. */
  files: Count.optional(), latestFiles: Count.optional(),
});
export const AuditEntry = z.object({
  seq: Count, time: Time,
  op: z.enum(['wrap', 'unwrap', 'unwrap-failed', 'rotate', 'rewrap', 'schedule-deletion', 'cancel-deletion', 'create']),
  key: KeyRef, version: Count.optional(), detail: Text.optional(),
});
/** The audit log pages newest first (VaultService.audit). */
export const AuditQuerySchema = z.strictObject({ offset: Count.optional(), limit: z.number().int().min(1).max(1000).optional() });
export const SseMode = z.enum(['none', 'aes256', 'aws:kms', 'c']);
export const PaddingMode = z.enum(['off', 'padme']);
export const VaultSettingsView = z.object({
  folder: z.string().max(MAX_PATH),
  ignoreRules: z.string().max(MAX_LONG_TEXT),
  remote: z.string().max(MAX_PATH),
  sse: SseMode,
  bandwidthLimitKiBps: Count,
  retentionDays: Count,
  rotationPeriodDays: Count,
  launchAtLogin: z.boolean(),
  padding: PaddingMode,
});
export const SettingsPatch = z.strictObject({
  folder: PathText.optional(),
  ignoreRules: z.string().max(MAX_LONG_TEXT).optional(),
  remote: PathText.optional(),
  sse: SseMode.optional(),
  bandwidthLimitKiBps: z.number().int().min(0).max(10_000_000).optional(),
  retentionDays: z.number().int().min(0).max(36_500).optional(),
  rotationPeriodDays: z.number().int().min(1).max(3650).optional(),
  launchAtLogin: z.boolean().optional(),
  padding: PaddingMode.optional(),
});
export const ProviderView = z.object({
  reveals: z.array(z.object({
    fact: Text, value: Text,
    /** The number behind `value`, for a host to format in its own units and zone. */
    count: Count.optional(), bytes: Bytes.optional(), times: z.object({ first: Time, last: Time }).optional(),
  })).max(100),
  hides: z.array(Text).max(100),
});
/** s3://bucket[/prefix] or file:///abs/path */
const Remote = z.string().min(1).max(MAX_PATH).regex(/^(s3:\/\/[^/\s]+(\/.*)?|file:\/\/\/.+)$/, 'remote must be s3://bucket[/prefix] or file:///abs/path');
const Endpoint = z.string().max(MAX_TEXT).regex(/^https?:\/\//, 'endpoint must be an http(s) URL');
/** AWS shared-config profile name for S3 credentials. */
const Profile = z.string().min(1).max(128).regex(/^[\w.+-]+$/, 'profile names use letters, digits, . _ + -');
/** 'keychain:<name>' | 'passphrase' | 'aws-kms:<id>' | 'pkcs11:<token>/<key>' */
const VaultKeyRef = z.string().min(1).max(256).regex(/^(keychain:.+|passphrase|aws-kms:.+|pkcs11:.+\/.+)$/, 'unknown key provider');
const Passphrase = z.string().min(1).max(1024);
/** S3 access keys: they travel renderer -> main only and are never echoed. */
const AccessKeyId = z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'an access key id is printable ASCII without spaces');
const SecretAccessKey = z.string().min(1).max(256).regex(/^[\x21-\x7e]+$/, 'a secret access key is printable ASCII without spaces');
const Region = z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, 'a region looks like eu-central-1');
export const CreateVaultRequest = z.strictObject({
  folder: PathText,
  remote: Remote,
  endpoint: Endpoint.optional(),
  profile: Profile.optional(),
  keyRef: VaultKeyRef,
  passphrase: Passphrase.optional(),
  allowHttp: z.boolean().optional(),
  region: Region.optional(),
  accessKeyId: AccessKeyId.optional(),
  secretAccessKey: SecretAccessKey.optional(),
}).refine((r) => (r.accessKeyId === undefined) === (r.secretAccessKey === undefined), {
  message: 'give both the access key id and the secret, or neither', path: ['accessKeyId'],
});
/** VaultHost.joinVault: the same destination fields, and exactly one way to open the vault key. */
export const JoinVaultRequest = z.strictObject({
  folder: PathText,
  remote: Remote,
  endpoint: Endpoint.optional(),
  profile: Profile.optional(),
  allowHttp: z.boolean().optional(),
  region: Region.optional(),
  accessKeyId: AccessKeyId.optional(),
  secretAccessKey: SecretAccessKey.optional(),
  keyRef: VaultKeyRef.optional(),
  recoveryKey: z.string().min(1).max(4096).optional(),
  saveKeyRef: VaultKeyRef.optional(),
  passphrase: Passphrase.optional(),
  deviceName: Name.optional(),
}).refine((r) => (r.keyRef === undefined) !== (r.recoveryKey === undefined), {
  message: 'give either keyRef or recoveryKey, not both', path: ['keyRef'],
}).refine((r) => (r.accessKeyId === undefined) === (r.secretAccessKey === undefined), {
  message: 'give both the access key id and the secret, or neither', path: ['accessKeyId'],
});
/** VaultHost.checkFolder: the wizard's folder step. */
export const FolderCheckRequest = z.strictObject({ folder: PathText, purpose: z.enum(['create', 'join']).optional() });
export const FolderCheck = z.object({ ok: z.boolean(), folder: z.string().max(MAX_PATH), problem: Text.optional(), note: Text.optional() });
/** VaultHost.testDestination: the destination step's connection test. */
export const DestinationRequest = z.strictObject({
  remote: Remote,
  endpoint: Endpoint.optional(),
  profile: Profile.optional(),
  region: Region.optional(),
  accessKeyId: AccessKeyId.optional(),
  secretAccessKey: SecretAccessKey.optional(),
  allowHttp: z.boolean().optional(),
  folder: PathText.optional(),
  purpose: z.enum(['create', 'join']).optional(),
}).refine((r) => (r.accessKeyId === undefined) === (r.secretAccessKey === undefined), {
  message: 'give both the access key id and the secret, or neither', path: ['accessKeyId'],
});
export const DestinationCheck = z.object({ ok: z.boolean(), message: Text });
/** VaultHost.joinTeam: the join code names the vault, so no destination is asked. */
export const JoinTeamRequest = z.strictObject({
  code: z.string().min(1).max(16 * 1024).regex(/^coffer-join1:[\w-]+\.[\w-]+$/, 'a join code looks like coffer-join1:….…'),
  folder: PathText,
  deviceName: Name.optional(),
});

// ---- Devices and teams (src-main/engine/ports/team.ts; docs/TEAMS.md). ----
export const Role = z.enum(['reader', 'writer', 'admin']);
export const MemberView = z.object({
  id: Id, name: Name, role: Role, status: z.enum(['active', 'invited', 'removed']), addedAt: Time,
  addedBy: Id.optional(), removedAt: Time.optional(), you: z.boolean(),
});
export const DeviceView = z.object({
  id: Id, name: Name, member: Id, memberName: Name, createdAt: Time, lastSeen: Time.optional(), removed: z.boolean(),
  you: z.boolean(),
});
export const ReencryptView = z.object({
  generation: Count, percent: z.number().min(0).max(100), objectsTotal: Count, objectsDone: Count,
});
export const TeamView = z.object({
  team: z.boolean(),
  membershipVersion: Count,
  generation: Count,
  members: z.array(MemberView).max(10_000),
  devices: z.array(DeviceView).max(10_000),
  reencrypt: ReencryptView,
  revocationNote: Text,
});
export const InviteRequest = z.strictObject({
  name: Name,
  role: Role,
  /** The member's public identity (`coffer team id` on their machine). */
  publicKey: z.string().min(1).max(MAX_TEXT).optional(),
  expiresDays: z.number().int().min(1).max(90).optional(),
});
export const InviteResult = z.object({ code: z.string().min(1).max(16 * 1024), memberId: Id, expiresAt: Time });
export const ConflictView = z.object({
  path: z.string().max(MAX_PATH), copyPath: z.string().max(MAX_PATH), memberName: Text, deviceName: Text, time: Time,
});
const MemberRef = z.string().min(1).max(256);

// ---- The Restore view (docs/ARCHITECTURE.md §Restore view): snapshots, their folders, restores. ----
const RootId = z.string().regex(/^[0-9a-f]{32}$/, 'a snapshot id is 32 hex digits');
/** An IANA zone name from the UI (Intl.DateTimeFormat().resolvedOptions().timeZone): restored copies' names use it. */
const TimeZone = z.string().min(1).max(64).regex(/^[A-Za-z0-9_+\-/]+$/, 'a time zone is an IANA name such as Europe/Berlin');
const VaultPath = z.string().max(MAX_PATH);
export const SnapshotViewSchema = z.object({
  rootId: RootId, time: Time, device: Id, deviceName: Name.optional(), files: Count, bytes: Bytes, changed: Count,
});
export const SnapshotItemSchema = z.object({
  path: VaultPath, name: VaultPath, type: z.enum(['file', 'dir', 'symlink']), size: Bytes, files: Count, mtime: Time.optional(),
  now: z.enum(['same', 'changed', 'deleted']),
});
const ItemPage = z.object({ items: z.array(SnapshotItemSchema).max(1000), total: Count });
export const ExistingChoiceSchema = z.enum(['keep-both', 'overwrite', 'skip']);
export const RestoreSnapshotRequestSchema = z.strictObject({
  rootId: RootId,
  paths: z.array(PathText).min(1).max(5000),
  /** Absent: the original location. */
  to: PathText.optional(),
  existing: ExistingChoiceSchema,
  timeZone: TimeZone.optional(),
});
const PathReason = z.object({ path: VaultPath, reason: Text });
export const RestoreSummarySchema = z.object({
  to: VaultPath, snapshotTime: Time, restored: Count, bytes: Bytes, skipped: Count,
  keptBoth: z.array(z.object({ path: VaultPath, restoredAs: VaultPath })).max(1000), keptBothCount: Count,
  failed: z.array(PathReason).max(1000), failedCount: Count,
});
export const RestoreProgressSchema = z.object({ done: Count, total: Count, bytes: Bytes });

/** Which vault an event is about (a host with several folders sets it). */
const Origin = { vaultId: Id.optional() };
export const VaultEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: VaultStatus, ...Origin }),
  z.object({ type: z.literal('progress'), progress: SyncProgress, ...Origin }),
  z.object({ type: z.literal('history'), entries: z.array(HistoryEntrySchema).max(10_000), ...Origin }),
  z.object({ type: z.literal('key'), status: KeyStatusSchema, ...Origin }),
  z.object({ type: z.literal('reencrypt'), progress: ReencryptView, ...Origin }),
  z.object({ type: z.literal('restore'), progress: RestoreProgressSchema, ...Origin }),
]);
export type VaultEvent = z.output<typeof VaultEvent>;

const Ref = z.strictObject({ ref: KeyRef });

// ---- Several folders (VaultHost.folders, selectFolder; use-cases/multi-vault-host.ts). ----
export const FolderState = z.enum([...SyncState.options, 'locked']);
export const FolderView = z.object({
  vaultId: Id, folder: z.string().max(MAX_PATH), name: z.string().max(MAX_PATH), state: FolderState,
  error: Text.optional(), selected: z.boolean(),
});
const FolderList = z.array(FolderView).max(1000);

/** Command name -> request and response schemas. One entry per VaultService / VaultHost call. */
export const commands = {
  status: { request: Empty, response: VaultStatus },
  syncNow: { request: z.strictObject({ allowMassDelete: z.boolean().optional() }), response: SyncSummary },
  pause: { request: Empty, response: Void },
  resume: { request: Empty, response: Void },
  history: { request: HistoryQuerySchema, response: z.object({ entries: z.array(HistoryEntrySchema).max(1000), total: Count }) },
  // utcOffsetMinutes: the viewer's zone (minutes east of UTC), so the chart's days are the UI's local days.
  bytesPerDay: { request: z.strictObject({ days: z.number().int().min(1).max(366), utcOffsetMinutes: z.number().int().min(-840).max(840).optional() }), response: z.array(z.object({ day: z.string().max(32), bytes: Bytes })).max(366) },
  versions: { request: z.strictObject({ path: PathText }), response: z.array(FileVersion).max(10_000) },
  restoreCopy: { request: z.strictObject({ path: PathText, versionId: z.string().min(1).max(256), timeZone: TimeZone.optional() }), response: z.object({ restoredPath: z.string().max(MAX_PATH) }) },
  /** The kept snapshots, newest first; `from` is the `next` of the page before. */
  snapshots: {
    request: z.strictObject({ limit: z.number().int().min(1).max(100).optional(), from: RootId.optional() }),
    response: z.object({ snapshots: z.array(SnapshotViewSchema).max(100), next: RootId.optional() }),
  },
  /** One folder of a snapshot ('' for the top), a page at a time. */
  snapshotFolder: {
    request: z.strictObject({ rootId: RootId, folder: VaultPath, offset: Count.optional(), limit: z.number().int().min(1).max(1000).optional() }),
    response: ItemPage,
  },
  snapshotSearch: {
    request: z.strictObject({ rootId: RootId, query: z.string().min(1).max(MAX_PATH), offset: Count.optional(), limit: z.number().int().min(1).max(1000).optional() }),
    response: ItemPage,
  },
  /** Resolves when done; 'restore' events report progress meanwhile. */
  restoreSnapshot: { request: RestoreSnapshotRequestSchema, response: RestoreSummarySchema },
  keys: { request: Empty, response: z.array(KeyStatusSchema).max(1000) },
  rotateKey: { request: Ref, response: KeyStatusSchema },
  keyUsage: { request: Ref, response: KeyUsage },
  /** AWS KMS allows a 7-30 day window; the engine applies the same bounds to every provider. */
  scheduleKeyDeletion: { request: z.strictObject({ ref: KeyRef, days: z.number().int().min(7).max(30), force: z.boolean() }), response: KeyStatusSchema },
  cancelKeyDeletion: { request: Ref, response: KeyStatusSchema },
  audit: { request: AuditQuerySchema, response: z.object({ entries: z.array(AuditEntry).max(100_000), verified: z.boolean(), problem: Text.optional(), total: Count }) },
  settings: { request: Empty, response: VaultSettingsView },
  updateSettings: { request: z.strictObject({ patch: SettingsPatch }), response: VaultSettingsView },
  providerView: { request: Empty, response: ProviderView },
  team: { request: Empty, response: TeamView },
  /** The join code may be a secret until used: see the header comment. */
  invite: { request: InviteRequest, response: InviteResult },
  removeMember: { request: z.strictObject({ member: MemberRef }), response: TeamView },
  setMemberRole: { request: z.strictObject({ member: MemberRef, role: Role }), response: TeamView },
  removeDevice: { request: z.strictObject({ device: MemberRef }), response: TeamView },
  /** Resolves when done; 'reencrypt' events report progress meanwhile. */
  reencrypt: { request: Empty, response: ReencryptView },
  conflicts: { request: Empty, response: z.array(ConflictView).max(1000) },
  /** VaultHost.createVault. The response is the one place a secret crosses: see the header comment. */
  createVault: {
    request: CreateVaultRequest,
    // recoveryKey is '' for a key held in KMS or an HSM, which has none (docs/KEYS.md). vaultId and remote
    // go on the recovery kit.
    response: z.object({ recoveryKey: z.string().max(4096), vaultId: z.string().max(256), remote: z.string().max(MAX_PATH) }),
  },
  /** VaultHost.joinVault: this machine becomes a new device of an existing vault. */
  joinVault: { request: JoinVaultRequest, response: z.object({ pulled: Count, conflicts: z.array(ConflictView).max(10_000) }) },
  /** VaultHost.joinTeam: this machine becomes a device of the member the join code was made for. */
  joinTeam: { request: JoinTeamRequest, response: z.object({ memberId: Id }) },
  /** What this host can do beyond the vault: the desktop app has file dialogs, a browser has none. */
  hostFeatures: { request: Empty, response: z.object({ pickFolder: z.boolean(), saveFile: z.boolean() }) },
  /** The desktop app's folder picker; null when the user cancelled. */
  pickFolder: { request: z.strictObject({ title: Text.optional() }), response: z.object({ path: z.string().max(MAX_PATH).nullable() }) },
  /**
   * The desktop app's save dialog for the recovery kit, written by main with mode 0600; null when the user
   * cancelled. The kit is a secret travelling renderer -> main, never echoed.
   */
  saveRecoveryKit: {
    request: z.strictObject({ text: z.string().min(1).max(MAX_LONG_TEXT), suggestedName: z.string().min(1).max(255).regex(/^[^/\\\p{Cc}]+$/u, 'a file name, not a path') }),
    response: z.object({ path: z.string().max(MAX_PATH).nullable() }),
  },
    /** VaultHost.checkFolder: writes nothing; answers in words. */
  checkFolder: { request: FolderCheckRequest, response: FolderCheck },
  /** VaultHost.testDestination: lists, writes and deletes one small object; the secret is never echoed. */
  testDestination: { request: DestinationRequest, response: DestinationCheck },
  /** The user ticked "I saved it". Main may persist the flag; until then the app re-offers the kit's warning. */
  confirmRecoverySaved: { request: Empty, response: Void },
  /**
   * VaultHost.unlock: a passphrase vault whose app started without the passphrase (other commands then
   * answer 'key-unavailable'). The passphrase travels renderer -> main only and is never echoed.
   */
  unlock: { request: z.strictObject({ passphrase: z.string().min(1).max(1024) }), response: Void },
  /** VaultHost.folders: every folder this app protects, its state, and which one the commands act on. */
  folders: { request: Empty, response: FolderList },
  /** VaultHost.selectFolder: the other commands act on this vault from now on; answers the folders. */
  selectFolder: { request: z.strictObject({ vaultId: Id }), response: FolderList },
} as const;

export type CommandName = keyof typeof commands;
export const commandNames = Object.keys(commands) as CommandName[];
export type Request<C extends CommandName> = z.input<(typeof commands)[C]['request']>;
export type Response<C extends CommandName> = z.output<(typeof commands)[C]['response']>;

/** Commands without arguments may be called with none: api.status(). */
export type VaultApi = {
  [C in CommandName]: Record<string, never> extends Request<C>
    ? (req?: Request<C>) => Promise<Response<C>>
    : (req: Request<C>) => Promise<Response<C>>;
};

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}

export const ErrorCode = z.enum([
  'invalid-request', 'unauthorized', 'forbidden', 'not-found', 'not-configured', 'key-unavailable', 'store-error', 'internal',
]);
export type ErrorCode = z.output<typeof ErrorCode>;
export const ApiErrorShape = z.object({ code: ErrorCode, message: z.string().max(MAX_TEXT) });
export type ApiErrorShape = z.output<typeof ApiErrorShape>;

export const HTTP_STATUS: Record<ErrorCode, number> = {
  'invalid-request': 400, unauthorized: 401, forbidden: 403, 'not-found': 404, 'not-configured': 409,
  'key-unavailable': 423, 'store-error': 502, internal: 500,
};

/** What main resolves every IPC invoke with. */
export const IpcEnvelope = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorShape }),
]);
export type IpcEnvelope = z.output<typeof IpcEnvelope>;

export const EVENT_CHANNEL = 'coffer:event';
export const ipcChannel = (command: CommandName): string => `coffer:${command}`;
export const TOKEN_HEADER = 'X-Coffer-Token';

/** A failed command, as every caller of VaultApi sees it. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
  }
  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message };
  }
}

/** Turns anything a transport rejects with into an ApiError, keeping a valid { code, message }. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const shaped = ApiErrorShape.safeParse(err);
  if (shaped.success) return new ApiError(shaped.data.code, shaped.data.message);
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError('internal', message.slice(0, MAX_TEXT));
}

/** Formats a zod failure as one readable line for an 'invalid-request' error. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** The only thing a UI needs from its host: Electron IPC, loopback HTTP, or a fake in tests. */
export interface Transport {
  /** Resolves with the raw response value or rejects with { code, message } / an ApiError. */
  invoke(command: CommandName, payload: unknown): Promise<unknown>;
  /** Delivers raw events (validated by the client); returns the unsubscribe function. */
  subscribe(listener: (event: unknown) => void): () => void;
}

export interface ApiClient extends VaultApi {
  /** Validated engine events; malformed events are dropped. */
  subscribe(listener: (event: VaultEvent) => void): () => void;
}

export function createApiClient(transport: Transport): ApiClient {
  const call = async (command: CommandName, req: unknown): Promise<unknown> => {
    const spec = commands[command];
    const parsedReq = spec.request.safeParse(req ?? {});
    if (!parsedReq.success) throw new ApiError('invalid-request', `${command}: ${describeIssues(parsedReq.error)}`);
    let raw: unknown;
    try {
      raw = await transport.invoke(command, parsedReq.data);
    } catch (err) {
      throw toApiError(err);
    }
    const parsedRes = spec.response.safeParse(raw);
    if (!parsedRes.success) throw new ApiError('internal', `${command}: unexpected response (${describeIssues(parsedRes.error)})`);
    return parsedRes.data;
  };
  const api: Record<string, unknown> = {};
  for (const name of commandNames) api[name] = (req?: unknown) => call(name, req);
  api.subscribe = (listener: (event: VaultEvent) => void) =>
    transport.subscribe((raw) => {
      const parsed = VaultEvent.safeParse(raw);
      if (parsed.success) listener(parsed.data);
    });
  return api as unknown as ApiClient;
}

/** Commands of the host, not of a vault: the wizard's checks and the desktop app's dialogs. */
type HostCommands = 'checkFolder' | 'testDestination' | 'hostFeatures' | 'pickFolder' | 'saveRecoveryKit';

// ---- Compile-time proof that the contract mirrors the ports (no runtime cost). ----
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type Svc = port.VaultService;
type Ret<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;
export type _ContractMirrorsPorts = [
  Assert<Same<Response<'status'>, port.VaultStatus>>,
  Assert<Same<Response<'syncNow'>, port.SyncSummary>>,
  Assert<Same<Response<'history'>, Ret<Svc['history']>>>,
  Assert<Same<Response<'history'>['entries'][number], port.HistoryEntryView>>,
  Assert<Same<Response<'history'>['entries'][number]['action'], HistoryEntry['action']>>,
  Assert<Same<Request<'history'>, HistoryQuery>>,
  Assert<Same<Response<'bytesPerDay'>, Ret<Svc['bytesPerDay']>>>,
  Assert<Same<Response<'versions'>, port.FileVersion[]>>,
  Assert<Same<Response<'restoreCopy'>, Ret<Svc['restoreCopy']>>>,
  Assert<Same<Response<'snapshots'>, Ret<Svc['snapshots']>>>,
  Assert<Same<Request<'snapshots'>, port.SnapshotQuery>>,
  Assert<Same<Response<'snapshotFolder'>, Ret<Svc['snapshotFolder']>>>,
  Assert<Same<Request<'snapshotFolder'>, port.SnapshotFolderQuery>>,
  Assert<Same<Response<'snapshotSearch'>, Ret<Svc['snapshotSearch']>>>,
  Assert<Same<Request<'snapshotSearch'>, port.SnapshotSearchQuery>>,
  Assert<Same<Request<'restoreSnapshot'>, port.RestoreSnapshotRequest>>,
  Assert<Same<Response<'restoreSnapshot'>, port.RestoreSummary>>,
  Assert<Same<Response<'keys'>, KeyStatus[]>>,
  Assert<Same<Response<'keyUsage'>, port.KeyUsage>>,
  Assert<Same<Response<'audit'>, Ret<Svc['audit']>>>,
  Assert<Same<Response<'settings'>, port.VaultSettingsView>>,
  Assert<Same<Request<'updateSettings'>['patch'], Partial<port.VaultSettingsView>>>,
  Assert<Same<Response<'providerView'>, port.ProviderView>>,
  Assert<Same<VaultEvent, port.VaultEvent>>,
  Assert<Request<'createVault'> extends port.CreateVaultRequest ? true : false>,
  Assert<Request<'joinVault'> extends port.JoinVaultRequest ? true : false>,
  Assert<Same<Request<'joinTeam'>, port.JoinTeamRequest>>,
  Assert<Same<Response<'joinTeam'>, Omit<Awaited<ReturnType<port.VaultHost['joinTeam']>>, 'service'>>>,
  Assert<Same<Response<'joinVault'>, Omit<Awaited<ReturnType<port.VaultHost['joinVault']>>, 'service'>>>,
  Assert<Same<Response<'team'>, team.TeamView>>,
  Assert<Same<Request<'invite'>, team.InviteRequest>>,
  Assert<Same<Response<'invite'>, team.InviteResult>>,
  Assert<Same<Request<'setMemberRole'>['role'], team.Role>>,
  Assert<Same<Response<'removeMember'>, Ret<Svc['removeMember']>>>,
  Assert<Same<Response<'reencrypt'>, team.ReencryptView>>,
  Assert<Same<Response<'conflicts'>, team.ConflictView[]>>,
  Assert<Same<Exclude<keyof Svc, 'subscribe'>, Exclude<CommandName, 'createVault' | 'joinVault' | 'joinTeam' | 'confirmRecoverySaved' | 'unlock' | HostCommands | HostFolderCommand>>>,
  Assert<Same<Request<'checkFolder'>, port.FolderCheckRequest>>,
  Assert<Same<Response<'checkFolder'>, port.FolderCheck>>,
  Assert<Request<'testDestination'> extends port.DestinationRequest ? true : false>,
  Assert<Same<Response<'testDestination'>, port.DestinationCheck>>,
  Assert<Same<Response<'folders'>, port.FolderView[]>>,
  Assert<Same<Response<'selectFolder'>, Ret<NonNullable<port.VaultHost['selectFolder']>>>>,
  Assert<Same<Request<'selectFolder'>['vaultId'], Parameters<NonNullable<port.VaultHost['selectFolder']>>[0]>>,
];
type HostFolderCommand = 'folders' | 'selectFolder';
