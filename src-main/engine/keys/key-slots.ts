import { Readable } from 'node:stream';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  KeyringNode,
  type EncryptedDataKey,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '../crypto/esdk.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { CorruptKeySetError, KeyError, WrongPassphraseError } from './key-errors.ts';
import { parseKeySet, serializeKeySet, type VaultKeySet } from './key-set.ts';
import { decodeKdf, deriveKey, encodeKdf, type ScryptParams } from './passphrase-kdf.ts';
import { keyNamespace, rawAesKeyring } from './vault-keyrings.ts';
import { takeDerivation } from './passphrase-kdf-hint.ts';

/**
 * Key slots: copies of the key set kept in the bucket, each an ESDK message wrapped under one
 * secret (the recovery key, or a key derived from the passphrase). Slots hold only ciphertext; the
 * encryption context binds a slot to its vault and kind, so a slot cannot be swapped in from
 * another vault or kind without the unwrap failing.
 */
export type SlotKind = 'recovery' | 'passphrase';
export const slotKey = (kind: SlotKind): string => `keys/${kind}`;

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

export type SlotSecret = { kind: 'recovery'; key: Uint8Array } | { kind: 'passphrase'; key: Uint8Array; kdf: ScryptParams };

// Not an ObjectContext of the sealed-objects layer (engine/objects/): a slot is sealed under its slot secret,
// not the vault key, and its context carries the KDF parameters the unwrap needs before any key exists.
function contextFor(vaultId: string, secret: SlotSecret): Record<string, string> {
  const ctx: Record<string, string> = { 'coffer:vault': vaultId, 'coffer:slot': secret.kind };
  if (secret.kind === 'passphrase') ctx['coffer:kdf'] = encodeKdf(secret.kdf);
  return ctx;
}

export async function writeSlot(store: BlobStore, set: VaultKeySet, secret: SlotSecret): Promise<void> {
  const keyring = rawAesKeyring(keyNamespace(set.vaultId), `slot/${secret.kind}`, secret.key);
  const { result } = await encrypt(keyring, Buffer.from(serializeKeySet(set), 'utf8'), {
    encryptionContext: contextFor(set.vaultId, secret),
    suiteId: SUITE,
  });
  await store.put(slotKey(secret.kind), {
    size: result.length,
    open: (start = 0) => Readable.from([result.subarray(start)]),
  });
}

export async function readSlotBytes(store: BlobStore, kind: SlotKind): Promise<Buffer | null> {
  try {
    const chunks: Buffer[] = [];
    for await (const c of await store.get(slotKey(kind))) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

export async function deleteSlot(store: BlobStore, kind: SlotKind): Promise<void> {
  await store.delete(slotKey(kind));
}

/** Authenticates a slot under `keyring` and parses its key set; used to open a vault and by slot-check.ts. */
export async function openSlot(bytes: Buffer, keyring: KeyringNode, vaultId: string, kind: SlotKind): Promise<VaultKeySet> {
  const { plaintext, messageHeader } = await decrypt(keyring, bytes);
  const ec = messageHeader.encryptionContext;
  if (ec['coffer:vault'] !== vaultId || ec['coffer:slot'] !== kind) {
    throw new CorruptKeySetError(`the ${kind} slot belongs to ${ec['coffer:vault'] ?? 'another vault'}/${ec['coffer:slot'] ?? '?'}, not ${vaultId}/${kind}`);
  }
  return parseKeySet(plaintext.toString('utf8'), `the ${kind} slot`, vaultId);
}

export async function openRecoverySlot(store: BlobStore, vaultId: string, recoveryKey: Uint8Array): Promise<VaultKeySet> {
  const bytes = await readSlotBytes(store, 'recovery');
  if (!bytes) throw new KeyError(`no recovery slot in ${store.location}: is this the right bucket and prefix?`);
  const keyring = rawAesKeyring(keyNamespace(vaultId), 'slot/recovery', recoveryKey);
  try {
    return await openSlot(bytes, keyring, vaultId, 'recovery');
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new KeyError('this recovery key does not open this vault (it belongs to another vault, or the slot is damaged)', { cause: err });
  }
}

/**
 * Derives the slot key from the KDF parameters found in the message's own encryption context, and notes
 * how far the open got, so a failure can be named honestly (see slotFailure).
 */
class PassphraseUnwrapKeyring extends KeyringNode {
  derived?: { key: Uint8Array; kdf: ScryptParams };
  /** The early derivation was the one used. */
  usedEarly = false;
  /** 'header': the header parsed and reached the keyring; 'unwrapped': the derived key opened the data key. */
  stage: 'none' | 'header' | 'unwrapped' = 'none';
  constructor(
    private readonly vaultId: string,
    private readonly passphrase: string,
    /** A derivation started before the slot was read (see openPassphraseSlot), under these encoded parameters. */
    private readonly early: { kdf: string; key: Promise<Uint8Array> } | null,
  ) {
    super();
  }
  async _onEncrypt(): Promise<NodeEncryptionMaterial> {
    throw new KeyError('the passphrase unwrap keyring never wraps');
  }
  async _onDecrypt(material: NodeDecryptionMaterial, edks: EncryptedDataKey[]): Promise<NodeDecryptionMaterial> {
    this.stage = 'header';
    const text = material.encryptionContext['coffer:kdf'];
    const kdf = decodeKdf(text);
    // The slot's own parameters decide: the early derivation counts only when it used exactly these.
    this.usedEarly = this.early?.kdf === text;
    const key = this.usedEarly ? await this.early!.key : await deriveKey(this.passphrase, kdf);
    this.derived = { key, kdf };
    const out = await rawAesKeyring(keyNamespace(this.vaultId), 'slot/passphrase', key).onDecrypt(material, edks);
    if (out.hasValidKey()) this.stage = 'unwrapped';
    return out;
  }
}

/**
 * What a failed open of a passphrase slot means. The data key is wrapped with AES-GCM under the derived
 * key, with the encryption context as associated data, so a wrong passphrase and damage to the wrapped
 * key, its IV or the context (salt included) fail the same tag check: that case is reported as a wrong
 * passphrase, because a typo is by far the likelier cause. What can be told apart is said plainly: bytes
 * that never parse as a slot, and a slot the passphrase did open whose later bytes fail to authenticate.
 */
function slotFailure(stage: PassphraseUnwrapKeyring['stage'], err: unknown): KeyError {
  if (stage === 'none') return new CorruptKeySetError('the passphrase slot (keys/passphrase) is damaged: it is not a readable key slot', { cause: err });
  if (stage === 'unwrapped') {
    return new CorruptKeySetError('the passphrase slot (keys/passphrase) is damaged: the passphrase is right, but the slot fails its integrity check; open the vault with the recovery key', { cause: err });
  }
  return new WrongPassphraseError({ cause: err });
}

/**
 * Opens the passphrase slot. `expectedKdf`: the parameters the slot had when this machine last opened it
 * (passphrase-kdf-hint.ts). scrypt then starts at once, unless the CLI started it already while its
 * modules loaded (startDerivation), and runs on libuv's threads while the slot is fetched (the S3 client
 * loads, the first request connects); the unwrap uses it if the slot asks for exactly those parameters.
 */
export async function openPassphraseSlot(
  store: BlobStore,
  vaultId: string,
  passphrase: string,
  opts: { expectedKdf?: ScryptParams } = {},
): Promise<{ set: VaultKeySet; secret: SlotSecret & { kind: 'passphrase' }; derivedEarly: boolean }> {
  const early = opts.expectedKdf ? { kdf: encodeKdf(opts.expectedKdf), key: takeDerivation(passphrase, opts.expectedKdf) } : null;
  early?.key.catch(() => undefined); // a fetch that fails first leaves it unawaited; the slot's parameters decide anyway
  const bytes = await readSlotBytes(store, 'passphrase');
  if (!bytes) throw new KeyError(`this vault has no passphrase slot in ${store.location}; open it with its keychain or recovery key`);
  const keyring = new PassphraseUnwrapKeyring(vaultId, passphrase, early);
  let set: VaultKeySet;
  try {
    set = await openSlot(bytes, keyring, vaultId, 'passphrase');
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw slotFailure(keyring.stage, err);
  }
  if (!keyring.derived) throw new KeyError('the passphrase slot opened without deriving a key');
  return { set, secret: { kind: 'passphrase', ...keyring.derived }, derivedEarly: keyring.usedEarly };
}

export async function passphraseSecret(passphrase: string, kdf: Omit<ScryptParams, 'salt'>, salt: Uint8Array): Promise<SlotSecret & { kind: 'passphrase' }> {
  const params = { ...kdf, salt };
  return { kind: 'passphrase', key: await deriveKey(passphrase, params), kdf: params };
}
