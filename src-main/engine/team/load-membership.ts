import type { BlobStore } from '../ports/blob-store.ts';
import type { Sealer } from '../ports/sealer.ts';
import { verifyChain, type VerifiedMembership } from './membership-chain.ts';
import { readMembershipSeen, recordMembershipSeen } from './membership-seen.ts';
import { MembershipStore } from './membership-store.ts';
import { MembershipError } from './team-errors.ts';

export interface LoadMembershipDeps {
  store: BlobStore;
  sealer: Sealer;
  vaultId: string;
  /** The vault's local state folder (membership-seen.json). */
  stateDir: string;
  /** The creator's key when this client knows it itself (the owner: from the identity in its key set). */
  creatorKey?: string;
  /** The versions the caller listed moments ago (MembershipStore.versions), so an open lists team/m/ once. */
  listed?: number[];
}

/**
 * The newest membership version this client can verify, after checking it against the high-water mark
 * (membership-seen.json) and raising the mark; null in a vault without a team. Throws MembershipError for
 * anything it must not use: a broken signature or chain, an unknown signer, a version lower than seen.
 */
export async function loadMembership(deps: LoadMembershipDeps): Promise<VerifiedMembership | null> {
  const seen = await readMembershipSeen(deps.stateDir);
  const ms = new MembershipStore(deps.store, deps.sealer, deps.vaultId);
  const known = seen?.known ?? undefined;
  const texts = await ms.readFrom(known?.doc.version ?? 1, deps.listed);
  if (texts.size === 0 && !known) return null;
  const creatorKey = seen?.creatorKey ?? deps.creatorKey;
  if (!creatorKey) {
    throw new MembershipError('this vault has a team, but this device has no pinned creator key to verify it from: join it with a join code (coffer team join)');
  }
  if (seen && deps.creatorKey && seen.creatorKey !== deps.creatorKey) {
    throw new MembershipError('the creator key this device pinned for the vault is not the one in its key set: refusing the membership document');
  }
  const verified = verifyChain(deps.vaultId, texts, { creatorKey, ...(known ? { known } : {}) });
  if (verified && (!known || verified.doc.version > known.doc.version || !seen)) {
    await recordMembershipSeen(deps.stateDir, creatorKey, verified);
  }
  return verified;
}
