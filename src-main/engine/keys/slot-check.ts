import type { BlobStore } from '../ports/blob-store.ts';
import { PassphraseCustody } from './custody.ts';
import type { VaultKeySet } from './key-set.ts';
import { openSlot, readSlotBytes, slotKey, type SlotKind } from './key-slots.ts';
import { LocalManagedKey, type ManagedKey } from './managed-key.ts';
import { keyNamespace, rawAesKeyring } from './vault-keyrings.ts';

export interface SlotCheck {
  slot: SlotKind;
  /**
   * ok: authenticates and holds every key version this machine holds. missing / damaged / behind: the
   * slot would fail the day it is needed. unchecked: present, but its secret is not on this machine.
   */
  state: 'ok' | 'missing' | 'damaged' | 'behind' | 'unchecked';
  detail: string;
}

export const slotIsBad = (c: SlotCheck): boolean => c.state === 'missing' || c.state === 'damaged' || c.state === 'behind';

/**
 * Authenticates the key slots in the bucket with what this machine holds. The key set carries the
 * recovery key (key-set.ts), so whoever holds the vault key can open the recovery slot fully, without
 * the person typing the recovery key: a damaged or stale keys/recovery shows up now, not on the day
 * the recovery key is needed. The passphrase slot is opened with the key derived when the vault was
 * opened. Keys held outside (KMS, HSM) have no slots.
 */
export async function checkKeySlots(key: ManagedKey, store: BlobStore, vaultId: string): Promise<SlotCheck[]> {
  if (!(key instanceof LocalManagedKey)) return [];
  const set = key.keySet();
  const out: SlotCheck[] = [set.recoveryKey
    ? await checkSlot(store, vaultId, 'recovery', set.recoveryKey, set)
    : { slot: 'recovery', state: 'unchecked', detail: 'this team member holds no recovery key (only admins do), so keys/recovery cannot be authenticated here' }];
  const custody = key.custody;
  if (custody instanceof PassphraseCustody) {
    out.push(await checkSlot(store, vaultId, 'passphrase', custody.slotSecret.key, set));
  } else if (await readSlotBytes(store, 'passphrase')) {
    out.push({ slot: 'passphrase', state: 'unchecked', detail: `${slotKey('passphrase')} is present, but this vault was opened without its passphrase, so it cannot be authenticated here` });
  }
  return out;
}

async function checkSlot(store: BlobStore, vaultId: string, kind: SlotKind, secret: Uint8Array, held: VaultKeySet): Promise<SlotCheck> {
  const where = slotKey(kind);
  const bytes = await readSlotBytes(store, kind);
  if (!bytes) return { slot: kind, state: 'missing', detail: `${where} is missing from the bucket${kind === 'recovery' ? ': the recovery key cannot open this vault; "coffer keys rotate" writes it again' : ''}` };
  let inSlot: VaultKeySet;
  try {
    inSlot = await openSlot(bytes, rawAesKeyring(keyNamespace(vaultId), `slot/${kind}`, secret), vaultId, kind);
  } catch {
    return { slot: kind, state: 'damaged', detail: `${where} is damaged: it does not authenticate with this vault's key (changed, cut short or replaced in the bucket)` };
  }
  const lacking = held.versions.filter((v) => !inSlot.versions.some((s) => s.version === v.version && Buffer.from(s.key).equals(Buffer.from(v.key))));
  if (lacking.length > 0) {
    return { slot: kind, state: 'behind', detail: `${where} lacks key version ${lacking.map((v) => v.version).join(', ')}: files sealed under it could not be opened with this slot` };
  }
  return { slot: kind, state: 'ok', detail: `${where} authenticates and holds every key version (${held.versions.length})` };
}
