import type { BlobStore } from '../ports/blob-store.ts';
import type { RandomSource } from '../ports/clock.ts';
import type { Sealer } from '../ports/sealer.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { bufferBody } from '../store/body.ts';
import { SealedObjects } from '../objects/sealed-objects.ts';
import { CHUNKING } from '../objects/object-ref.ts';
import { CHUNKING_KEY } from '../objects/object-keys.ts';
import { upgradeDescriptor } from './descriptor.ts';

/**
 * The vault's chunking secret (format 3, docs/CDC.md): 32 random bytes from which the gear table and the
 * chunk-id key are derived, so chunk boundaries and ids mean nothing to whoever lacks the vault key.
 * Sealed with the vault key at keys/chunking, beside keys/sse-c and in the same (slots) store.
 *
 * Made on the first write that chunks a file, not at init: a vault of format 1 or 2 is upgraded in place
 * then (the secret first, then the descriptor says 3), and its older objects stay as they are. Two devices
 * making it at once meet at the create-only put: the loser adopts the winner's, so both chunk alike.
 */
export async function loadOrCreateChunkingSecret(slots: BlobStore, sealer: Sealer, vaultId: string, random: RandomSource): Promise<Uint8Array> {
  const objects = new SealedObjects({ store: slots, sealer, vaultId });
  let secret = await load(objects);
  if (!secret) {
    const fresh = new Uint8Array(random(32));
    const { outcome } = await objects.putNew(CHUNKING, bufferBody(await objects.sealBytes(CHUNKING, fresh)));
    secret = outcome === 'taken' ? await load(objects) : fresh;
    if (!secret) throw new Error(`${CHUNKING_KEY} was taken by another device but cannot be read back from ${slots.location}`);
  }
  await upgradeDescriptor(slots, vaultId, 4);
  return secret;
}

async function load(objects: SealedObjects): Promise<Uint8Array | null> {
  let sealed: Buffer;
  try {
    sealed = await objects.fetchSealed(CHUNKING);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
  const secret = await objects.openBytes(CHUNKING, sealed);
  if (secret.length !== 32) throw new Error(`${CHUNKING_KEY} does not hold a 32-byte chunking secret (${secret.length} bytes)`);
  return secret;
}
