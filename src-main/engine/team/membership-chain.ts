import { createHash } from 'node:crypto';
import { jwsSignatureValid, parseJws } from './jws.ts';
import { MembershipSchema, type Membership } from './membership-schema.ts';
import { MembershipError } from './team-errors.ts';

/**
 * Verifying the membership chain (docs/FORMAT.md §Team, "Verification"): from the pinned creator key, or
 * from the newest version this client verified before, every later version must be present, name the
 * previous one's hash, and be signed by an admin of the previous one. A bucket holding fewer versions than
 * this client saw, or another text for a version it saw, is refused: it was rolled back or replayed.
 */
export interface VerifiedMembership {
  doc: Membership;
  jws: string;
  /** SHA-256 (hex) of the JWS bytes: what the next version's `prev` names. */
  hash: string;
}

export const jwsHash = (jws: string): string => createHash('sha256').update(jws, 'utf8').digest('hex');

export interface ChainStart {
  /** The vault creator's Ed25519 public key (base64url), pinned at join or held by the owner. */
  creatorKey: string;
  /** The newest version this client verified earlier (membership-seen.json). */
  known?: VerifiedMembership;
}

function verifyVersion(vaultId: string, version: number, jws: string, before: VerifiedMembership | null, creatorKey: string): VerifiedMembership {
  const what = `membership version ${version}`;
  const parsed = parseJws(jws, what);
  const schema = MembershipSchema.safeParse(parsed.payload);
  if (!schema.success) throw new MembershipError(`${what} is not a valid membership document (${schema.error.issues[0]?.message ?? 'invalid'})`);
  const doc = schema.data;
  if (doc.vaultId !== vaultId) throw new MembershipError(`${what} belongs to vault ${doc.vaultId}, not to ${vaultId}: refusing it`);
  if (doc.version !== version) throw new MembershipError(`${what} says it is version ${doc.version}: it was moved or replayed; refusing it`);
  let signerKey: string;
  if (!before) {
    const creator = doc.members.find((m) => m.id === parsed.kid);
    if (!creator || creator.signKey !== creatorKey || creator.role !== 'admin') {
      throw new MembershipError(`${what} is not signed by the vault's creator (signer ${parsed.kid} is unknown or not the pinned creator key): refusing it`);
    }
    if (doc.prev !== null) throw new MembershipError(`${what} names a previous version, but it is the first: refusing it`);
    signerKey = creatorKey;
  } else {
    const signer = before.doc.members.find((m) => m.id === parsed.kid);
    if (!signer) throw new MembershipError(`${what} is signed by ${parsed.kid}, an unknown signer (not a member in version ${version - 1}): refusing it`);
    if (signer.role !== 'admin' || signer.status !== 'active') {
      throw new MembershipError(`${what} is signed by ${signer.name}, who was not an active admin in version ${version - 1}: refusing it`);
    }
    if (doc.prev !== before.hash) throw new MembershipError(`${what} does not continue version ${version - 1} (broken hash chain): refusing it`);
    if (doc.generation < before.doc.generation) throw new MembershipError(`${what} goes back to key generation ${doc.generation} from ${before.doc.generation}: refusing it`);
    signerKey = signer.signKey;
  }
  if (!jwsSignatureValid(parsed, signerKey)) throw new MembershipError(`${what} has a broken signature (changed after it was signed): refusing it`);
  return { doc, jws, hash: jwsHash(jws) };
}

/** The newest verified version of the chain in `texts` (version -> JWS), or null when there is none and none was seen. */
export function verifyChain(vaultId: string, texts: ReadonlyMap<number, string>, start: ChainStart): VerifiedMembership | null {
  const newest = Math.max(0, ...texts.keys());
  const known = start.known;
  if (known && newest < known.doc.version) {
    throw new MembershipError(`the bucket's membership document (version ${newest}) is older than the one this device already saw (version ${known.doc.version}): it was rolled back or replayed; refusing it`);
  }
  if (known) {
    const again = texts.get(known.doc.version);
    if (again === undefined || jwsHash(again) !== known.hash) {
      throw new MembershipError(`membership version ${known.doc.version} in the bucket is not the one this device verified: it was replaced; refusing it`);
    }
  }
  let at: VerifiedMembership | null = known ?? null;
  for (let v = (known?.doc.version ?? 0) + 1; v <= newest; v++) {
    const text = texts.get(v);
    if (text === undefined) throw new MembershipError(`membership version ${v} is missing although version ${newest} exists (broken chain): refusing the membership document`);
    at = verifyVersion(vaultId, v, text, at, start.creatorKey);
  }
  return at;
}
