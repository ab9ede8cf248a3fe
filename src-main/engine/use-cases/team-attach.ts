import { adoptOwnerIdentity, LocalManagedKey, memberCopy, signBytes, signPublicKey, writeMemberSlot, type MemberIdentity, type VaultKeySet } from '../keys/index.ts';
import type { ManagedKey } from '../keys/index.ts';
import { loadIndex, saveIndex } from '../sync/local-index.ts';
import { FileJournal } from '../journal/file-journal.ts';
import { loadMembership } from '../team/load-membership.ts';
import { MembershipStore } from '../team/membership-store.ts';
import type { VerifiedMembership } from '../team/membership-chain.ts';
import { activeMembers, type Member } from '../team/membership-schema.ts';
import { setTeamSession, teamSessionOf, type TeamSession } from '../team/team-session.ts';
import type { ReadableVault } from '../vault/readable-vault.ts';
import type { OpenVault } from './vault-ops.ts';

/**
 * Attaching the team to an opened vault: verify the membership (from the pinned creator key and the
 * high-water mark), find this client in it, and, for a writer or admin, sign every root it writes. An
 * admin's key changes (a rotation) then reach every member's slot. Called by openVault and after each
 * membership change here.
 */
export function localKey(key: ManagedKey): LocalManagedKey | null {
  return key instanceof LocalManagedKey ? key : null;
}

export async function attachTeam(vault: ReadableVault): Promise<TeamSession> {
  const key = localKey(vault.key);
  let identity = key?.memberIdentity();
  const removed = key?.removal();
  let membership: VerifiedMembership | null = null;
  if (!removed) {
    let listed: number[] | undefined;
    if (key && !identity) {
      listed = await new MembershipStore(vault.store, vault.sealer, vault.vaultId).versions();
      if (listed.length > 0) identity = await adoptOwnerIdentity(key, vault.keyContext());
    }
    const creatorKey = key?.keySet().identity ? signPublicKey(key.keySet().identity!) : undefined;
    membership = await loadMembership({
      store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId, stateDir: vault.paths.dir, ...(creatorKey ? { creatorKey } : {}), ...(listed ? { listed } : {}),
    });
  }
  return adopt(vault, membership, identity, removed);
}

/** Records `membership` as the vault's team state (after loading or writing it). */
export function adopt(vault: ReadableVault, membership: VerifiedMembership | null, identity: MemberIdentity | undefined, removed?: { by: string; at: string }): TeamSession {
  const me = identity && membership ? membership.doc.members.find((m) => m.id === identity.member) : undefined;
  const device = (vault as { settings?: { deviceId?: string } }).settings?.deviceId;
  const session: TeamSession = { membership, identity, me, ...(device ? { device } : {}), ...(removed ? { removed } : {}) };
  setTeamSession(vault.manifest, session);
  const mayCommit = !removed && me?.status === 'active' && me.role !== 'reader';
  vault.manifest.signer = membership && identity && mayCommit
    ? { member: identity.member, sign: (data) => signBytes(identity, data).toString('base64url') }
    : null;
  const key = localKey(vault.key);
  if (key && membership && me?.role === 'admin' && me.status === 'active') {
    // A rotation by this admin is written to every other member's slot too, or they could not read new data.
    key.onPersisted = (set) => writeSlotsFor(vault, set, activeMembers(membership.doc).filter((m) => m.id !== identity?.member));
  }
  return session;
}

export async function sessionOf(vault: ReadableVault): Promise<TeamSession> {
  return teamSessionOf(vault.manifest) ?? attachTeam(vault);
}

/** Writes each member's slot: the set as that member may hold it (non-admins without the recovery key). */
export async function writeSlotsFor(vault: ReadableVault, set: VaultKeySet, members: Member[], opts: { onlyCurrent?: boolean } = {}): Promise<void> {
  for (const m of members) {
    await writeMemberSlot(vault.slots, m.id, m.recipient, memberCopy(set, { admin: m.role === 'admin', onlyCurrent: opts.onlyCurrent }));
  }
}

/**
 * Commits the current tree again as a root signed by this client (the team's first signed root, so the
 * head of a team vault is always signed). Under the journal lock, as a sync pass commits.
 */
export async function commitSignedHead(vault: OpenVault): Promise<string | null> {
  const journal = await FileJournal.open(vault.paths.dir);
  try {
    const headRes = await vault.manifest.readHead();
    if (!headRes) return null;
    const base = await vault.manifest.readRoot(headRes.head.rootId);
    const tree = await vault.manifest.readTree(base);
    const index = await loadIndex(vault.paths.index);
    const seq = index.deviceSeq + 1;
    const time = new Date(vault.clock.now()).toISOString();
    const generation = headRes.head.generation + 1;
    const root = await vault.manifest.writeRoot(tree, base, { device: vault.settings.deviceId, seq, time, generation });
    const { etag } = await vault.manifest.commitHead(root, headRes.etag, generation, time);
    await saveIndex(vault.paths.index, { ...index, rootId: root.rootId, etag, generation, deviceSeq: seq });
    return root.rootId;
  } finally {
    await journal.close();
  }
}
