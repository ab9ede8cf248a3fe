import { z } from 'zod';

/**
 * The membership document (docs/FORMAT.md §Team): the payload of one JWS per version, stored sealed at
 * team/m/<version>. Version 1 is signed by the vault's creator; every later one by an admin of the version
 * before it, and names the SHA-256 of that version's JWS bytes (`prev`), so the versions form a chain.
 */
export const ROLES = ['reader', 'writer', 'admin'] as const;

const B64URL32 = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const MemberSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{16,32}$/),
  name: z.string().min(1).max(200),
  role: z.enum(ROLES),
  status: z.enum(['active', 'removed']),
  /** Raw Ed25519 public key, base64url. */
  signKey: B64URL32,
  /** age X25519 recipient. */
  recipient: z.string().regex(/^age1[0-9a-z]{58}$/),
  addedAt: z.string(),
  addedBy: z.string(),
  removedAt: z.string().optional(),
  removedBy: z.string().optional(),
  /** The head generation when the member was removed: their roots claiming a later one are refused. */
  removedAtGeneration: z.number().int().nonnegative().optional(),
  /** Until when the member's join code is valid (set at invite). */
  inviteExpires: z.string().optional(),
});

export const MembershipSchema = z.strictObject({
  format: z.literal('coffer-membership'),
  v: z.literal(1),
  vaultId: z.string().regex(/^[0-9a-f]{32}$/),
  version: z.number().int().positive(),
  prev: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  time: z.string(),
  /** The key generation (vault key version) new data is written under. */
  generation: z.number().int().positive(),
  members: z.array(MemberSchema).min(1),
  revokedDevices: z.array(z.strictObject({ id: z.string().min(1), at: z.string(), by: z.string() })),
});

export type Member = z.infer<typeof MemberSchema>;
export type Membership = z.infer<typeof MembershipSchema>;
export type MemberRole = Member['role'];

export const activeMembers = (m: Membership): Member[] => m.members.filter((x) => x.status === 'active');

/** The member named by id, or by name (case-insensitive) when that is unambiguous. */
export function findMember(m: Membership, nameOrId: string): Member | undefined {
  const byId = m.members.find((x) => x.id === nameOrId);
  if (byId) return byId;
  const byName = m.members.filter((x) => x.name.toLowerCase() === nameOrId.toLowerCase() && x.status === 'active');
  return byName.length === 1 ? byName[0] : undefined;
}
