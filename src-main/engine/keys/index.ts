import type { BlobStore } from '../ports/blob-store.ts';
import { systemClock, systemRandom, type Clock, type RandomSource } from '../ports/clock.ts';
import { FileAuditLog, type AuditLog } from './audit-log.ts';
import { KeychainCustody, MemberCustody, PassphraseCustody, RecoveryCustody, type Custody } from './custody.ts';
import { KeyError, KeyUsageError } from './key-errors.ts';
import { formatKeyRef, parseKeyRef, type KeyRef } from './key-ref.ts';
import { newKeySet, parseKeySet, type MemberIdentity, type VaultKeySet } from './key-set.ts';
import { openPassphraseSlot, openRecoverySlot, passphraseSecret, readSlotBytes } from './key-slots.ts';
import { KeychainEntry } from './keychain-entry.ts';
import { LocalManagedKey, type ManagedKey } from './managed-key.ts';
import { readKdfHint, saveKdfHint } from './passphrase-kdf-hint.ts';
import { DEFAULT_SCRYPT } from './passphrase-kdf.ts';
import { decodeRecoveryKey, encodeRecoveryKey } from './recovery-code.ts';
import { openExternalKey } from './external-providers.ts';
import { identityStoreFor, requireIdentity } from './identity-store.ts';
import { recipientOf } from './member-identity.ts';
import { readMemberSlot, requireMemberSlot } from './member-slot.ts';

/** The engine and CLI call only what this file exports. */
export type { ManagedKey } from './managed-key.ts';
export type { AuditLog } from './audit-log.ts';
export { FileAuditLog } from './audit-log.ts';
export { parseKeyRef, formatKeyRef, type KeyRef } from './key-ref.ts';
export * from './key-errors.ts';
export { createAsymmetricKey, RsaKeyProvider, type AsymmetricKeyPair, type AsymmetricType } from './asymmetric-key.ts';
export { checkKeySlots, slotIsBad, type SlotCheck } from './slot-check.ts';
export { LocalManagedKey } from './managed-key.ts';
export { memberCopy, withNewVersion, type MemberIdentity, type VaultKeySet } from './key-set.ts';
export {
  newMemberIdentity, signPublicKey, recipientOf, signBytes, verifyBytes, publicIdentityOf, formatPublicId, parsePublicId, type PublicIdentity,
} from './member-identity.ts';
export { writeMemberSlot, readMemberSlot, deleteMemberSlot, memberSlotKey, MEMBER_SLOTS_PREFIX } from './member-slot.ts';
export { identityStoreFor, requireIdentity, KeychainIdentityStore, FileIdentityStore, type IdentityStore, type LooseIdentity } from './identity-store.ts';
export { writeSlot } from './key-slots.ts';
export { encodeRecoveryKey } from './recovery-code.ts';

export interface KeyContext {
  vaultId: string;
  /** The vault's store, already scoped to the vault (keys are vault-relative). */
  store: BlobStore;
  /** Local state folder of this vault on this machine (the audit log lives here). */
  stateDir: string;
  /** Asked only when a passphrase is needed: the CLI reads COFFER_PASSPHRASE or prompts. */
  passphrase?: () => Promise<string>;
  clock?: Clock;
  random?: RandomSource;
  audit?: AuditLog;
  /** scrypt cost for new passphrase slots; tests lower it. Old slots keep the cost they were made with. */
  kdf?: { N: number; r: number; p: number };
}

function deps(ctx: KeyContext) {
  const clock = ctx.clock ?? systemClock;
  return { store: ctx.store, clock, random: ctx.random ?? systemRandom, audit: ctx.audit ?? new FileAuditLog(ctx.stateDir, clock) };
}

async function askPassphrase(ctx: KeyContext): Promise<string> {
  if (!ctx.passphrase) throw new KeyUsageError('a passphrase is needed: set COFFER_PASSPHRASE or run in a terminal');
  return ctx.passphrase();
}

/** Builds the custody for a local ref, checking the keychain can be reached before anything is written. */
async function custodyFor(ref: KeyRef, ctx: KeyContext, set: VaultKeySet): Promise<Custody> {
  if (ref.provider === 'keychain') {
    const entry = new KeychainEntry(ref.name);
    const existing = await entry.read();
    if (existing !== null) {
      let owner: string | undefined;
      try {
        owner = parseKeySet(existing, entry.where, set.vaultId).vaultId;
      } catch {
        owner = undefined;
      }
      if (owner !== set.vaultId) {
        throw new KeyUsageError(`the ${entry.where} already holds another key; choose another name (keychain:<name>)`);
      }
    }
    return new KeychainCustody(entry);
  }
  if (ref.provider === 'passphrase') {
    const d = deps(ctx);
    const secret = await passphraseSecret(await askPassphrase(ctx), ctx.kdf ?? DEFAULT_SCRYPT, d.random(16));
    return new PassphraseCustody(ctx.store, secret);
  }
  throw new KeyUsageError(`${formatKeyRef(ref)} is not a local key store`);
}

/** `coffer init`: a new vault key, saved to the chosen provider, plus the recovery slot. */
export async function createVaultKey(ref: string, ctx: KeyContext): Promise<{ key: ManagedKey; recoveryKey: string }> {
  const parsed = parseKeyRef(ref);
  if (parsed.provider === 'aws-kms' || parsed.provider === 'pkcs11') {
    return { key: await openExternalKey(parsed, ref, ctx), recoveryKey: '' };
  }
  if (await readSlotBytes(ctx.store, 'recovery')) {
    throw new KeyUsageError(`${ctx.store.location} already holds a vault key; open it instead of creating a new one`);
  }
  const d = deps(ctx);
  const set = newKeySet(ctx.vaultId, d.random, d.clock.now());
  const custody = await custodyFor(parsed, ctx, set);
  const key = new LocalManagedKey(formatKeyRef(parsed), set, custody, d);
  await key.persist(set, { custodyFirst: true });
  await d.audit.append({ op: 'create', key: key.ref, version: 1 });
  return { key, recoveryKey: set.recoveryKey ? encodeRecoveryKey(set.recoveryKey) : '' };
}

export async function openVaultKey(ref: string, ctx: KeyContext): Promise<ManagedKey> {
  const parsed = parseKeyRef(ref);
  const d = deps(ctx);
  switch (parsed.provider) {
    case 'keychain': {
      const custody = new KeychainCustody(new KeychainEntry(parsed.name));
      const set = await custody.load(ctx.vaultId);
      return caughtUp(new LocalManagedKey(formatKeyRef(parsed), set, custody, d), ctx);
    }
    case 'passphrase': {
      const passphrase = await askPassphrase(ctx);
      const hint = readKdfHint(ctx.stateDir);
      const { set, secret } = await openPassphraseSlot(ctx.store, ctx.vaultId, passphrase, hint ? { expectedKdf: hint } : {});
      await saveKdfHint(ctx.stateDir, secret.kdf, hint);
      return caughtUp(new LocalManagedKey('passphrase', set, new PassphraseCustody(ctx.store, secret), d), ctx);
    }
    case 'member': {
      if (parsed.vaultId !== ctx.vaultId) throw new KeyUsageError(`${ref} is the member key of vault ${parsed.vaultId}, not of ${ctx.vaultId}`);
      const identity = await requireIdentity(identityStoreFor(parsed.vaultId, parsed.identityFile));
      const set = await requireMemberSlot(ctx.store, ctx.vaultId, identity);
      const key = new LocalManagedKey(formatKeyRef(parsed), set, new MemberCustody(ctx.store, identity, await recipientOf(identity)), d);
      key.markChecked();
      return key;
    }
    default:
      return openExternalKey(parsed, ref, ctx);
  }
}

/**
 * A vault key that stays open (a watch, the app) learns what other devices changed since it was opened: a
 * member takes the newer set an admin wrote to its slot (a new generation after a removal, or its own
 * removal), the owner's copies catch up as at open. Otherwise a long-running client would go on writing
 * under a generation a removed member still holds. True when the set changed.
 */
export async function refreshVaultKey(key: ManagedKey, ctx: KeyContext, opts: RefreshOptions = {}): Promise<boolean> {
  if (!(key instanceof LocalManagedKey)) return false;
  if (opts.unlessCheckedWithinMs !== undefined && key.checkedWithin(opts.unlessCheckedWithinMs)) return false;
  const before = key.keySet();
  if (key.custody instanceof MemberCustody && key.custody.identity) {
    const slot = await readMemberSlot(ctx.store, ctx.vaultId, key.custody.identity).catch(() => null);
    if (slot && (slot.current !== before.current || (slot.removed && !before.removed))) key.adoptSaved(slot);
    key.markChecked();
  } else {
    await caughtUp(key, ctx);
  }
  return key.keySet() !== before;
}

export interface RefreshOptions {
  /**
   * Skip the reads when the set was checked this recently (at open, a moment ago): a `coffer sync` opens
   * the key and starts its pass in the same second, and need not read the same slots twice.
   */
  unlessCheckedWithinMs?: number;
}

/**
 * The owner's keychain, passphrase and recovery copies catch up with the owner's member slot: another admin
 * who started a new key generation (a member removed) wrote it there, as they cannot write the others.
 */
async function caughtUp(key: LocalManagedKey, ctx: KeyContext): Promise<LocalManagedKey> {
  key.markChecked();
  await caughtUpWithRecoverySlot(key, ctx);
  const set = key.keySet();
  if (!set.identity) return key;
  const slot = await readMemberSlot(ctx.store, ctx.vaultId, set.identity).catch(() => null);
  if (!slot) return key;
  const newer = slot.current > set.current;
  const pruned = slot.current === set.current && slot.versions.length < set.versions.length;
  if (!newer && !pruned) return key;
  await key.replaceSet({ ...set, versions: slot.versions, current: slot.current, rotation: slot.rotation, recoveryKey: slot.recoveryKey ?? set.recoveryKey });
  return key;
}

/**
 * Another device of the same owner rotated the key: it wrote the recovery slot (always first, so that slot is
 * never behind) and its own copy, but not this device's keychain entry or another passphrase slot. The set
 * carries the recovery key, so the newer versions are adopted from the recovery slot; otherwise this device
 * could not read what the other one wrote after the rotation. One small read per open.
 */
async function caughtUpWithRecoverySlot(key: LocalManagedKey, ctx: KeyContext): Promise<void> {
  const set = key.keySet();
  if (!set.recoveryKey) return;
  const slot = await openRecoverySlot(ctx.store, ctx.vaultId, set.recoveryKey).catch(() => null);
  if (!slot || slot.current <= set.current) return;
  const known = new Set(set.versions.map((v) => v.version));
  const versions = [...set.versions, ...slot.versions.filter((v) => !known.has(v.version))].sort((a, b) => a.version - b.version);
  await key.replaceSet({ ...set, versions, current: slot.current, rotation: slot.rotation });
}

/**
 * Another device of the owner, whose keychain or passphrase copy predates the team: the owner's identity is
 * in the recovery slot (the owner's set carries the recovery key), so it is adopted from there. Undefined
 * when the key is not the owner's or the slot holds no identity.
 */
export async function adoptOwnerIdentity(key: ManagedKey, ctx: KeyContext): Promise<MemberIdentity | undefined> {
  if (!(key instanceof LocalManagedKey) || key.custody instanceof MemberCustody) return undefined;
  const set = key.keySet();
  if (set.identity) return set.identity;
  if (!set.recoveryKey) return undefined;
  const slot = await openRecoverySlot(ctx.store, ctx.vaultId, set.recoveryKey).catch(() => null);
  if (!slot?.identity) return undefined;
  const newer = slot.current > set.current;
  await key.replaceSet({ ...set, identity: slot.identity, ...(newer ? { versions: slot.versions, current: slot.current, rotation: slot.rotation } : {}) });
  return slot.identity;
}

/** A new machine with only the bucket and the recovery kit: a working provider (save it afterwards). */
export async function openWithRecoveryKey(recoveryKey: string, ctx: KeyContext): Promise<ManagedKey> {
  const bytes = decodeRecoveryKey(recoveryKey);
  const set = await openRecoverySlot(ctx.store, ctx.vaultId, bytes);
  return new LocalManagedKey('recovery', set, new RecoveryCustody(), deps(ctx));
}

/**
 * Moves the key set to `ref` (keychain:<name> or passphrase), removing the copy it came from.
 * Only slots and keychain items are rewritten; no data is re-encrypted. Saving a passphrase key to
 * "passphrase" again changes the passphrase.
 */
export async function saveToProvider(from: ManagedKey, ref: string, ctx: KeyContext): Promise<ManagedKey> {
  if (!(from instanceof LocalManagedKey)) {
    throw new KeyUsageError(`${from.ref} cannot be moved: a KMS or HSM key never leaves its service`);
  }
  const parsed = parseKeyRef(ref);
  const set = from.keySet();
  if (set.vaultId !== ctx.vaultId) throw new KeyError(`this key belongs to vault ${set.vaultId}, not ${ctx.vaultId}`);
  const custody = await custodyFor(parsed, ctx, set);
  const d = deps(ctx);
  const to = new LocalManagedKey(formatKeyRef(parsed), set, custody, d);
  await to.persist(set, { custodyFirst: true });
  const sameKeychain = from.custody instanceof KeychainCustody && custody instanceof KeychainCustody
    && from.custody.entry.account === custody.entry.account;
  const samePlace = sameKeychain || (from.custody.provider === 'passphrase' && custody.provider === 'passphrase');
  if (!samePlace) await from.custody.remove();
  await d.audit.append({ op: 'rewrap', key: to.ref, detail: `key set saved from ${from.ref}${samePlace ? '' : ' (moved)'}` });
  return to;
}

/** Changing the passphrase rewrites only the passphrase slot. `ctx.passphrase` gives the new one. */
export function changePassphrase(from: ManagedKey, ctx: KeyContext): Promise<ManagedKey> {
  return saveToProvider(from, 'passphrase', ctx);
}
