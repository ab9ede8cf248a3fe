import type { VerifiedMembership } from './membership-chain.ts';
import type { Member, MemberRole, Membership } from './membership-schema.ts';
import { TeamPermissionError } from './team-errors.ts';

/**
 * The next membership version from the current one: pure functions, so every change is one small
 * document a test can read. Signing and storing are membership-store.ts's.
 */
export function firstMembership(vaultId: string, owner: Omit<Member, 'addedAt' | 'addedBy' | 'status' | 'role'>, time: string, generation: number): Membership {
  return {
    format: 'coffer-membership', v: 1, vaultId, version: 1, prev: null, time, generation,
    members: [{ ...owner, role: 'admin', status: 'active', addedAt: time, addedBy: owner.id }],
    revokedDevices: [],
  };
}

function next(from: VerifiedMembership, time: string, change: Partial<Membership>): Membership {
  return { ...from.doc, ...change, version: from.doc.version + 1, prev: from.hash, time };
}

export function withMember(from: VerifiedMembership, member: Member, time: string): Membership {
  if (from.doc.members.some((m) => m.id === member.id)) throw new Error(`member id ${member.id} is taken`);
  return next(from, time, { members: [...from.doc.members, member] });
}

/** Marks the member removed (kept, so history still shows the name) and moves to `generation`. */
export function withoutMember(from: VerifiedMembership, memberId: string, by: string, time: string, generation: number, headGeneration: number): Membership {
  return next(from, time, {
    generation,
    members: from.doc.members.map((m) => (m.id === memberId
      ? { ...m, status: 'removed' as const, removedAt: time, removedBy: by, removedAtGeneration: headGeneration }
      : m)),
  });
}

export function withRole(from: VerifiedMembership, memberId: string, role: MemberRole, time: string): Membership {
  const admins = from.doc.members.filter((m) => m.status === 'active' && m.role === 'admin' && m.id !== memberId);
  if (role !== 'admin' && admins.length === 0) throw new TeamPermissionError('the vault would have no admin left; make someone else an admin first');
  return next(from, time, { members: from.doc.members.map((m) => (m.id === memberId ? { ...m, role } : m)) });
}

export function withRevokedDevice(from: VerifiedMembership, deviceId: string, by: string, time: string, generation: number): Membership {
  return next(from, time, { generation, revokedDevices: [...from.doc.revokedDevices, { id: deviceId, at: time, by }] });
}

export function withGeneration(from: VerifiedMembership, generation: number, time: string): Membership {
  return next(from, time, { generation });
}
