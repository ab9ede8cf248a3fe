import { Readable } from 'node:stream';
// Loaded on first use, as in member-identity.ts: a vault without a team never needs age.
const age = () => import('age-encryption');
import type { BlobStore } from '../ports/blob-store.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { CorruptKeySetError, KeyError } from './key-errors.ts';
import { parseKeySet, serializeKeySet, type MemberIdentity, type VaultKeySet } from './key-set.ts';

/**
 * Member slots: `keys/members/<memberId>`, the key set as that member may hold it (key-set.ts memberCopy),
 * age-encrypted (X25519) to the member's recipient from the membership document. Sharing a generation with a
 * new member is one such slot: no content is re-encrypted. Only the holder of the matching age identity
 * opens it; the key set inside names its vault, so a slot moved in from another vault is refused.
 */
export const MEMBER_SLOTS_PREFIX = 'keys/members/';
export const memberSlotKey = (memberId: string): string => `${MEMBER_SLOTS_PREFIX}${memberId}`;

export async function writeMemberSlot(store: BlobStore, memberId: string, recipient: string, set: VaultKeySet): Promise<void> {
  const e = new (await age()).Encrypter();
  e.addRecipient(recipient);
  const sealed = Buffer.from(await e.encrypt(serializeKeySet(set)));
  await store.put(memberSlotKey(memberId), { size: sealed.length, open: (start = 0) => Readable.from([sealed.subarray(start)]) });
}

export async function deleteMemberSlot(store: BlobStore, memberId: string): Promise<void> {
  await store.delete(memberSlotKey(memberId));
}

async function readBytes(store: BlobStore, key: string): Promise<Buffer | null> {
  try {
    const chunks: Buffer[] = [];
    for await (const c of await store.get(key)) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/** The member's key set, or null when the bucket has no slot for them. */
export async function readMemberSlot(store: BlobStore, vaultId: string, identity: MemberIdentity): Promise<VaultKeySet | null> {
  const where = memberSlotKey(identity.member);
  const bytes = await readBytes(store, where);
  if (!bytes) return null;
  const d = new (await age()).Decrypter();
  d.addIdentity(identity.ageIdentity);
  let text: string;
  try {
    text = await d.decrypt(new Uint8Array(bytes), 'text');
  } catch (cause) {
    throw new CorruptKeySetError(`${where} does not open with your identity: it was damaged or replaced in the bucket, or your identity is not the one this member was invited with`, { cause });
  }
  return parseKeySet(text, where, vaultId);
}

/** As readMemberSlot, but a missing slot is an error that says what it means. */
export async function requireMemberSlot(store: BlobStore, vaultId: string, identity: MemberIdentity): Promise<VaultKeySet> {
  const set = await readMemberSlot(store, vaultId, identity);
  if (!set) throw new KeyError(`this vault holds no key for member ${identity.member} (${memberSlotKey(identity.member)} is missing): the invitation was withdrawn, or this is another vault`);
  return set;
}
