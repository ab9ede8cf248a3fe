import type { BlobStore } from '../ports/blob-store.ts';
import { KeychainEmptyError } from './key-errors.ts';
import { parseKeySet, serializeKeySet, type MemberIdentity, type VaultKeySet } from './key-set.ts';
import { deleteSlot, writeSlot, type SlotSecret } from './key-slots.ts';
import type { KeychainEntry } from './keychain-entry.ts';
import { writeMemberSlot } from './member-slot.ts';

/**
 * Where a local key set is kept besides the recovery slot. The managed key writes the recovery slot
 * first and the custody copy second, so a crash in between leaves the recovery slot ahead (holding a
 * version nobody used yet), never behind.
 */
export interface Custody {
  readonly provider: 'keychain' | 'passphrase' | 'recovery';
  /** A team member's own identity, when this custody is a member slot (member-custody.ts). */
  readonly identity?: MemberIdentity;
  save(set: VaultKeySet): Promise<void>;
  /** Removes this copy (after a move to another provider, or when the deletion date has come). */
  remove(): Promise<void>;
}

export class KeychainCustody implements Custody {
  readonly provider = 'keychain';
  constructor(readonly entry: KeychainEntry) {}

  save(set: VaultKeySet): Promise<void> {
    return this.entry.write(serializeKeySet(set));
  }

  remove(): Promise<void> {
    return this.entry.remove();
  }

  async load(vaultId: string): Promise<VaultKeySet> {
    const text = await this.entry.read();
    if (text === null) throw new KeychainEmptyError(this.entry.where);
    return parseKeySet(text, `the ${this.entry.where}`, vaultId);
  }
}

export class PassphraseCustody implements Custody {
  readonly provider = 'passphrase';
  constructor(private readonly store: BlobStore, private secret: SlotSecret & { kind: 'passphrase' }) {}

  /** The derived slot key, so verify can authenticate the slot without asking for the passphrase again. */
  get slotSecret(): SlotSecret & { kind: 'passphrase' } {
    return this.secret;
  }

  save(set: VaultKeySet): Promise<void> {
    return writeSlot(this.store, set, this.secret);
  }

  remove(): Promise<void> {
    return deleteSlot(this.store, 'passphrase');
  }

  /** A new passphrase rewraps only the slot: the vault key and all data stay as they are. */
  async changeSecret(secret: SlotSecret & { kind: 'passphrase' }, set: VaultKeySet): Promise<void> {
    await writeSlot(this.store, set, secret);
    this.secret = secret;
  }
}

/** Opened from the recovery slot alone: the recovery slot is the only copy to keep up to date. */
export class RecoveryCustody implements Custody {
  readonly provider = 'recovery';
  async save(): Promise<void> {}
  async remove(): Promise<void> {}
}

/**
 * A team member's custody: their key slot keys/members/<id> in the bucket, age-encrypted to their own
 * recipient. It reports as 'keychain' because the secret that opens it (the identity) lives there (or in
 * an identity file). Only an admin's changes reach it through here; team/ rewrites every member's slot.
 */
export class MemberCustody implements Custody {
  readonly provider = 'keychain';
  constructor(private readonly store: BlobStore, readonly identity: MemberIdentity, private readonly recipient: string) {}

  save(set: VaultKeySet): Promise<void> {
    return writeMemberSlot(this.store, this.identity.member, this.recipient, set);
  }

  /** Leaving a vault removes nothing in the bucket: an admin removes the member. */
  async remove(): Promise<void> {}
}
