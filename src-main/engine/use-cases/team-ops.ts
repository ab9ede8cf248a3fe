import { readDeviceRecords } from '../vault/device-records.ts';
import { userInfo } from 'node:os';
import {
  deleteMemberSlot, formatPublicId, identityStoreFor, KeychainIdentityStore, FileIdentityStore, KeyUsageError, newMemberIdentity, parsePublicId,
  publicIdentityOf, recipientOf, signPublicKey, withNewVersion, writeMemberSlot, memberCopy, encodeRecoveryKey, writeSlot,
  type MemberIdentity, type VaultKeySet,
} from '../keys/index.ts';
import type { DeviceView, InviteRequest, InviteResult, MemberView, ReencryptView, Role, TeamView } from '../ports/team.ts';
import type { VaultEnv } from '../vault/vault-env.ts';
import { rewrapVault } from '../vault/rewrap.ts';
import { encodeJoinCode } from '../team/join-code.ts';
import type { VerifiedMembership } from '../team/membership-chain.ts';
import {
  firstMembership, withGeneration, withMember, withoutMember, withRevokedDevice, withRole,
} from '../team/membership-edit.ts';
import { activeMembers, findMember, ROLES, type Member, type Membership } from '../team/membership-schema.ts';
import { MembershipRaceError, MembershipStore } from '../team/membership-store.ts';
import { recordMembershipSeen } from '../team/membership-seen.ts';
import { upgradeDescriptor } from '../vault/descriptor.ts';
import { TeamPermissionError } from '../team/team-errors.ts';
import { adopt, attachTeam, commitSignedHead, localKey, sessionOf, writeSlotsFor } from './team-attach.ts';
import type { OpenVault } from './vault-ops.ts';

export { joinTeam, type JoinTeamRequest } from './team-join.ts';

/** What the docs and the UI say, as they are, about what revocation cannot do. */
export const REVOCATION_NOTE = 'Removing a member stops them from reading anything written afterwards and from committing. '
  + 'It cannot take back what they already downloaded or decrypted, and until "coffer team reencrypt" has run they can still '
  + 'decrypt older data in the bucket with the key generation they held.';

const hex = (vault: OpenVault, bytes: number) => Buffer.from(vault.random(bytes)).toString('hex');
const now = (vault: OpenVault) => new Date(vault.clock.now()).toISOString();

function requireLocalKey(vault: OpenVault) {
  const key = localKey(vault.key);
  if (!key) throw new KeyUsageError(`${vault.key.ref} is held by KMS or an HSM: team members of such a vault are KMS principals (docs/decisions/0006-member-keys.md), not key slots`);
  return key;
}

/** This client as an active admin of the vault's team, or a TeamPermissionError saying why not. */
async function asAdmin(vault: OpenVault): Promise<{ membership: VerifiedMembership; identity: MemberIdentity; me: Member }> {
  const s = await sessionOf(vault);
  if (s.removed) throw new TeamPermissionError(`you were removed from this vault by ${s.removed.by} on ${s.removed.at}`);
  if (!s.membership) throw new TeamPermissionError('this vault has no team yet: invite someone first (coffer team invite <name>)');
  if (!s.identity || !s.me || s.me.status !== 'active') throw new TeamPermissionError('this client is not an active member of the vault\'s team');
  if (s.me.role !== 'admin') throw new TeamPermissionError(`you are a ${s.me.role} in this vault: only an admin can change the team`);
  return { membership: s.membership, identity: s.identity, me: s.me };
}

async function publish(vault: OpenVault, doc: Membership, identity: MemberIdentity, creatorKey: string): Promise<VerifiedMembership> {
  const written = await new MembershipStore(vault.store, vault.sealer, vault.vaultId).write(doc, identity);
  await recordMembershipSeen(vault.paths.dir, creatorKey, written);
  adopt(vault, written, identity);
  return written;
}

const creatorKeyOf = (m: VerifiedMembership) => m.doc.members[0]!.signKey;

/**
 * Two admins changing the team at once: the one whose create-only write of the next version lost re-reads
 * the membership and applies its change again (a change made twice only costs an extra key generation or an
 * unused slot, never a lost member).
 */
async function retryingRace<T>(vault: OpenVault, change: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await change();
    } catch (err) {
      if (!(err instanceof MembershipRaceError) || attempt >= 3) throw err;
      await attachTeam(vault);
    }
  }
}

/**
 * The first membership version: the owner's identity goes into the owner's key set (keychain, passphrase
 * and recovery slots), the descriptor becomes version 2, and the current tree is committed again, signed.
 */
async function startTeam(vault: OpenVault): Promise<void> {
  const key = requireLocalKey(vault);
  let set = key.keySet();
  if (!set.identity) {
    set = { ...set, identity: await newMemberIdentity(hex(vault, 8)) };
    await key.replaceSet(set);
  }
  const identity = set.identity!;
  const owner = { id: identity.member, name: userInfo().username || 'owner', signKey: signPublicKey(identity), recipient: await recipientOf(identity) };
  const doc = firstMembership(vault.vaultId, owner, now(vault), set.current);
  await writeMemberSlot(vault.slots, owner.id, owner.recipient, memberCopy(set, { admin: true }));
  await publish(vault, doc, identity, owner.signKey);
  // Format 2 at least (docs/FORMAT.md §Team): a client that knows only version 1 refuses the vault, so it
  // cannot commit unsigned roots into a team. A vault already at 3 stays there.
  await upgradeDescriptor(vault.slots, vault.vaultId, 2);
  await commitSignedHead(vault);
}

/** `coffer team invite`: a new member (their key slot and a membership version) and the join code to give them. */
export function inviteMember(vault: OpenVault, req: InviteRequest): Promise<InviteResult> {
  return retryingRace(vault, () => inviteMemberOnce(vault, req));
}

async function inviteMemberOnce(vault: OpenVault, req: InviteRequest): Promise<InviteResult> {
  if (!(ROLES as readonly string[]).includes(req.role)) throw new KeyUsageError(`unknown role "${req.role}": use ${ROLES.join(', ')}`);
  const name = req.name.trim();
  if (!name) throw new KeyUsageError('give the new member a name');
  const days = req.expiresDays ?? 7;
  if (!Number.isInteger(days) || days < 1 || days > 90) throw new KeyUsageError(`--expires takes 1 to 90 days, got ${days}`);
  const given = req.publicKey ? parsePublicId(req.publicKey) : null;
  if ((await sessionOf(vault)).membership === null) await startTeam(vault);
  const { membership, identity, me } = await asAdmin(vault);
  if (activeMembers(membership.doc).some((m) => m.name.toLowerCase() === name.toLowerCase())) {
    throw new KeyUsageError(`the team already has a member named "${name}"; choose another name`);
  }
  const memberId = hex(vault, 8);
  const oneTime = given ? null : await newMemberIdentity(memberId);
  const pub = given ?? await publicIdentityOf(oneTime!);
  const time = now(vault);
  const expiresAt = new Date(vault.clock.now() + days * 86_400_000).toISOString();
  const set = requireLocalKey(vault).keySet();
  await writeMemberSlot(vault.slots, memberId, pub.recipient, memberCopy(set, { admin: req.role === 'admin' }));
  const member: Member = {
    id: memberId, name, role: req.role, status: 'active', signKey: pub.signKey, recipient: pub.recipient, addedAt: time, addedBy: me.id, inviteExpires: expiresAt,
  };
  await publish(vault, withMember(membership, member, time), identity, creatorKeyOf(membership));
  const code = encodeJoinCode({
    vaultId: vault.vaultId, remote: vault.settings.remote, ...(vault.settings.endpoint ? { endpoint: vault.settings.endpoint } : {}),
    memberId, name, role: req.role, expiresAt, creatorKey: creatorKeyOf(membership), issuedBy: me.id,
    ...(oneTime ? { identity: { signKey: oneTime.signKey, ageIdentity: oneTime.ageIdentity } } : {}),
  }, identity);
  return { code, memberId, expiresAt };
}

function memberOrThrow(m: VerifiedMembership, nameOrId: string): Member {
  const found = findMember(m.doc, nameOrId);
  if (!found) throw new KeyUsageError(`no member "${nameOrId}" in this vault's team (coffer team list shows them)`);
  return found;
}

export interface RemovalResult {
  generation: number;
  /** A new recovery key when the removed member was an admin (they held the old one): print the new kit. */
  recoveryKey?: string;
}

/**
 * A new key generation at once: every remaining member's slot gets it, the removed member's slot keeps only
 * what they had (and says who removed them), and the membership version marks them removed.
 */
export function removeMember(vault: OpenVault, nameOrId: string): Promise<RemovalResult> {
  return retryingRace(vault, () => removeMemberOnce(vault, nameOrId));
}

async function removeMemberOnce(vault: OpenVault, nameOrId: string): Promise<RemovalResult> {
  const { membership, identity, me } = await asAdmin(vault);
  const target = memberOrThrow(membership, nameOrId);
  if (target.status === 'removed') throw new KeyUsageError(`${target.name} was already removed on ${target.removedAt}`);
  if (target.id === me.id) throw new KeyUsageError('you cannot remove yourself; another admin can');
  if (target.id === membership.doc.members[0]!.id) throw new KeyUsageError(`${target.name} created this vault and anchors its team; the creator cannot be removed`);
  const time = now(vault);
  const { set, recoveryKey } = await newGeneration(vault, target.role === 'admin');
  const remaining = activeMembers(membership.doc).filter((m) => m.id !== target.id && m.id !== me.id);
  await writeSlotsFor(vault, set, remaining);
  const old: VaultKeySet = { ...memberCopy(set, { admin: false }), versions: set.versions.filter((v) => v.version < set.current), current: set.current - 1, removed: { by: me.name, at: time } };
  await writeMemberSlot(vault.slots, target.id, target.recipient, old);
  const headGeneration = (await vault.manifest.readHead())?.head.generation ?? 0;
  await publish(vault, withoutMember(membership, target.id, me.id, time, set.current, headGeneration), identity, creatorKeyOf(membership));
  return { generation: set.current, ...(recoveryKey ? { recoveryKey } : {}) };
}

/**
 * Saves this admin's own copy of a new set without the usual fan-out to every member's slot: the caller
 * writes the slots itself, to the members who are to get them (not a removed one).
 */
async function replaceOwnSet(key: ReturnType<typeof requireLocalKey>, set: VaultKeySet): Promise<void> {
  const fanOut = key.onPersisted;
  key.onPersisted = undefined;
  try {
    await key.replaceSet(set);
  } finally {
    key.onPersisted = fanOut;
  }
}

/** The admin's own set moves to a new generation (and a new recovery key when asked), saved without fanning out. */
async function newGeneration(vault: OpenVault, newRecovery: boolean): Promise<{ set: VaultKeySet; recoveryKey?: string }> {
  const key = requireLocalKey(vault);
  let set = withNewVersion(key.keySet(), vault.random, vault.clock.now());
  if (newRecovery) set = { ...set, recoveryKey: vault.random(32) };
  await replaceOwnSet(key, set);
  if (newRecovery && set.recoveryKey) await writeSlot(vault.slots, set, { kind: 'recovery', key: set.recoveryKey });
  return { set, ...(newRecovery && set.recoveryKey ? { recoveryKey: encodeRecoveryKey(set.recoveryKey) } : {}) };
}

/** `coffer team role`: a new role; an admin demoted gives up the recovery key, so a new one is made. */
export function setMemberRole(vault: OpenVault, nameOrId: string, role: Role): Promise<{ member: MemberView; recoveryKey?: string }> {
  return retryingRace(vault, () => setMemberRoleOnce(vault, nameOrId, role));
}

async function setMemberRoleOnce(vault: OpenVault, nameOrId: string, role: Role): Promise<{ member: MemberView; recoveryKey?: string }> {
  if (!(ROLES as readonly string[]).includes(role)) throw new KeyUsageError(`unknown role "${role}": use ${ROLES.join(', ')}`);
  const { membership, identity, me } = await asAdmin(vault);
  const target = memberOrThrow(membership, nameOrId);
  if (target.status === 'removed') throw new KeyUsageError(`${target.name} was removed; invite them again instead`);
  const next = withRole(membership, target.id, role, now(vault));
  let recoveryKey: string | undefined;
  const key = requireLocalKey(vault);
  let set = key.keySet();
  if (target.role === 'admin' && role !== 'admin') {
    set = { ...set, recoveryKey: vault.random(32) };
    await key.replaceSet(set);
    recoveryKey = encodeRecoveryKey(set.recoveryKey!);
  }
  const published = await publish(vault, next, identity, creatorKeyOf(membership));
  // Every slot again: a promoted member gains the recovery key, and a new one reaches the other admins.
  await writeSlotsFor(vault, set, activeMembers(published.doc).filter((m) => m.id !== me.id));
  return { member: memberView(published.doc.members.find((m) => m.id === target.id)!, me.id), ...(recoveryKey ? { recoveryKey } : {}) };
}

/** `coffer devices remove`: the device's commits from now on are refused, and a new key generation starts. */
export function removeDevice(vault: OpenVault, nameOrId: string): Promise<{ generation: number }> {
  return retryingRace(vault, () => removeDeviceOnce(vault, nameOrId));
}

async function removeDeviceOnce(vault: OpenVault, nameOrId: string): Promise<{ generation: number }> {
  const { membership, identity, me } = await asAdmin(vault);
  const devices = await deviceViews(vault, membership.doc, me.id);
  const device = devices.find((d) => d.id === nameOrId || d.name === nameOrId);
  if (!device) throw new KeyUsageError(`no device "${nameOrId}" in this vault (coffer devices list shows them)`);
  if (device.you) throw new KeyUsageError('this is the device you are using; remove it from another one');
  if (device.removed) throw new KeyUsageError(`device ${device.id} was already removed`);
  const { set } = await newGeneration(vault, false);
  await writeSlotsFor(vault, set, activeMembers(membership.doc).filter((m) => m.id !== me.id));
  await publish(vault, withRevokedDevice(membership, device.id, me.id, now(vault), set.current), identity, creatorKeyOf(membership));
  return { generation: set.current };
}

/**
 * `coffer team reencrypt`: every retained object is sealed again under the current generation (vault/rewrap.ts,
 * resumable, throttled by the vault's bandwidth limit), so is each membership version; then older generations
 * are dropped from every member's slot and former members' slots are deleted.
 */
export async function reencryptTeam(vault: OpenVault, opts: { onProgress?: (p: ReencryptView) => void } = {}): Promise<ReencryptView> {
  const { membership, identity, me } = await asAdmin(vault);
  const key = requireLocalKey(vault);
  const generation = key.keySet().current;
  const view = (done: number, total: number): ReencryptView => ({ generation, percent: total ? Math.floor((done * 100) / total) : 100, objectsTotal: total, objectsDone: done });
  let last = view(0, 0);
  await rewrapVault(vault, { onProgress: (p) => opts.onProgress?.((last = view(p.done, p.total))) });
  const ms = new MembershipStore(vault.store, vault.sealer, vault.vaultId);
  const reSealed = await ms.resealAll();
  const set = key.keySet();
  const pruned: VaultKeySet = { ...set, versions: set.versions.filter((v) => v.version === set.current) };
  await replaceOwnSet(key, pruned);
  await writeSlotsFor(vault, pruned, activeMembers(membership.doc).filter((m) => m.id !== me.id), { onlyCurrent: true });
  for (const m of membership.doc.members.filter((x) => x.status === 'removed')) await deleteMemberSlot(vault.slots, m.id);
  if (membership.doc.generation !== set.current) await publish(vault, withGeneration(membership, set.current, now(vault)), identity, creatorKeyOf(membership));
  const total = last.objectsTotal + reSealed;
  return view(total, total);
}

function memberView(m: Member, myId: string | undefined): MemberView {
  return {
    id: m.id, name: m.name, role: m.role, status: m.status, addedAt: m.addedAt, addedBy: m.addedBy,
    ...(m.removedAt ? { removedAt: m.removedAt } : {}), you: m.id === myId,
  };
}

/**
 * The devices this client knows of: every device that committed a retained root (its author member and its
 * newest commit time), every device record (devices/<id>: its name, member and joining time), and the
 * devices the membership revoked.
 */
async function deviceViews(vault: OpenVault, doc: Membership | null, myId: string | undefined): Promise<DeviceView[]> {
  const byId = new Map<string, DeviceView>();
  const head = await vault.manifest.readHead();
  const ownerId = doc?.members[0]?.id ?? 'owner';
  const nameOf = (id: string) => doc?.members.find((m) => m.id === id)?.name ?? (id === 'owner' ? 'owner' : id);
  let n = 0;
  for await (const r of head ? vault.manifest.roots(head.head.rootId) : []) {
    if (n++ > 1000) break;
    const member = r.author?.member ?? ownerId;
    const seen = byId.get(r.device);
    if (!seen) {
      byId.set(r.device, { id: r.device, name: r.device, member, memberName: nameOf(member), createdAt: r.time, lastSeen: r.time, removed: false, you: r.device === vault.settings.deviceId });
    } else if (Date.parse(r.time) < Date.parse(seen.createdAt)) seen.createdAt = r.time;
  }
  // The records name the devices, say whose they are and when they joined (also those that never committed).
  for (const rec of await readDeviceRecords(vault).catch(() => [])) {
    const member = rec.member ?? ownerId;
    const v = byId.get(rec.id);
    if (v) Object.assign(v, { name: rec.name, createdAt: rec.createdAt, member, memberName: nameOf(member) });
    else byId.set(rec.id, { id: rec.id, name: rec.name, member, memberName: nameOf(member), createdAt: rec.createdAt, removed: false, you: rec.id === vault.settings.deviceId });
  }
  if (!byId.has(vault.settings.deviceId)) {
    const member = myId ?? ownerId;
    byId.set(vault.settings.deviceId, { id: vault.settings.deviceId, name: vault.settings.deviceId, member, memberName: nameOf(member), createdAt: now(vault), removed: false, you: true });
  }
  for (const d of doc?.revokedDevices ?? []) {
    const v = byId.get(d.id);
    if (v) v.removed = true;
    else byId.set(d.id, { id: d.id, name: d.id, member: '?', memberName: '?', createdAt: d.at, removed: true, you: false });
  }
  return [...byId.values()];
}

/** Share of the head's files whose data keys are wrapped under the current generation (from the manifest). */
async function reencryptProgress(vault: OpenVault, generation: number): Promise<ReencryptView> {
  const head = await vault.manifest.readHead();
  let total = 0;
  let done = 0;
  if (head) {
    for (const e of (await vault.manifest.readTree(await vault.manifest.readRoot(head.head.rootId))).values()) {
      if (e.type !== 'file' || e.keyVersion === undefined) continue;
      total++;
      if (e.keyVersion === generation) done++;
    }
  }
  return { generation, percent: total ? Math.floor((done * 100) / total) : 100, objectsTotal: total, objectsDone: done };
}

export async function teamView(vault: OpenVault): Promise<TeamView> {
  const s = await sessionOf(vault);
  const doc = s.membership?.doc ?? null;
  const generation = await vault.key.currentVersion();
  const devices = await deviceViews(vault, doc, s.identity?.member);
  // 'invited': an active member none of whose devices has joined yet (the join code is still unused).
  const joined = new Set(devices.map((d) => d.member));
  const members = (doc?.members ?? []).map((m, i) => {
    const view = memberView(m, s.identity?.member);
    return view.status === 'active' && i > 0 && !view.you && !joined.has(m.id) ? { ...view, status: 'invited' as const } : view;
  });
  return {
    team: doc !== null,
    membershipVersion: doc?.version ?? 0,
    generation,
    members,
    devices,
    reencrypt: await reencryptProgress(vault, generation),
    revocationNote: REVOCATION_NOTE,
  };
}

/**
 * `coffer team id`: this person's public identity, to give an admin who invites them with --key (the code
 * then carries no secret). Made on first use and kept in the keychain (coffer/identity) or `identityFile`.
 */
export async function memberPublicId(_env: VaultEnv, opts: { identityFile?: string } = {}): Promise<string> {
  const store = opts.identityFile ? new FileIdentityStore(opts.identityFile) : new KeychainIdentityStore('identity');
  let id = await store.read();
  if (!id) {
    const made = await newMemberIdentity('0000000000000000');
    id = { ...made, member: null };
    await store.write(id);
  }
  return formatPublicId(await publicIdentityOf({ ...id, member: id.member ?? '' }));
}

export { identityStoreFor };
