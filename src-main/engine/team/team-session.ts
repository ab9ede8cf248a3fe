import type { ManifestStore } from '../manifest/manifest-store.ts';
import type { MemberIdentity } from '../keys/index.ts';
import type { VerifiedMembership } from './membership-chain.ts';
import type { Member } from './membership-schema.ts';

/**
 * The team state of one opened vault: the verified membership and who this client is in it. Kept beside the
 * vault's ManifestStore (the one object every layer that commits or pulls already holds), so sync/ can ask
 * for it (`teamSessionOf(vault.manifest)`) and call acceptedHead without reaching up to the use cases.
 */
export interface TeamSession {
  membership: VerifiedMembership | null;
  identity: MemberIdentity | undefined;
  me: Member | undefined;
  /** This machine's device id (a device the membership revoked does not commit). */
  device?: string;
  /** Set for a former member: their client says so and never commits. */
  removed?: { by: string; at: string };
}

const sessions = new WeakMap<ManifestStore, TeamSession>();

export function setTeamSession(manifest: ManifestStore, session: TeamSession): void {
  sessions.set(manifest, session);
}

export function teamSessionOf(manifest: ManifestStore): TeamSession | undefined {
  return sessions.get(manifest);
}

/** Why this client must not commit (null: it may). */
export function commitRefusal(session: TeamSession | undefined, nameOf: (id: string) => string = (id) => id): string | null {
  if (!session) return null;
  if (session.removed) return `you were removed from this vault by ${nameOf(session.removed.by)} on ${session.removed.at}; this client can still read what it had, and does not sync`;
  if (!session.membership) return null;
  const me = session.me;
  if (!me) return 'this client is not a member of the vault\'s team; it does not commit';
  if (me.status === 'removed') return `you were removed from this vault by ${nameOf(me.removedBy ?? '?')} on ${me.removedAt ?? '?'}; this client does not sync`;
  const revoked = session.membership.doc.revokedDevices.find((d) => d.id === session.device);
  if (revoked) return `this device was removed from the vault by ${nameOf(revoked.by)} on ${revoked.at}; it does not sync`;
  if (me.role === 'reader') return 'you are a reader in this vault: this client restores and pulls, but never commits';
  return null;
}
