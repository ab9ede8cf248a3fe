import type { BlobStore } from '../ports/blob-store.ts';
import type { RandomSource } from '../ports/clock.ts';
import type { Sealer } from '../ports/sealer.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { bufferBody } from '../store/body.ts';
import { SealedObjects } from '../objects/sealed-objects.ts';
import { CHUNKING } from '../objects/object-ref.ts';
import { CHUNKING_KEY } from '../objects/object-keys.ts';
import { upgradeDescriptor } from './descriptor.ts';
import { decodeChunking, encodeChunking, type VaultChunking } from './chunking-layout.ts';
import { CHUNKING_SECRET_BYTES } from '../chunking/chunk-keys.ts';
import { CDC_PARAMS_V2 } from '../chunking/fastcdc.ts';

/**
 * The vault's chunking secret (format 3, docs/CDC.md): 32 random bytes from which the gear table and the
 * chunk-id key are derived, so chunk boundaries and ids mean nothing to whoever lacks the vault key, and
 * the FastCDC parameters the vault cuts with (chunking-layout.ts). Sealed with the vault key at
 * keys/chunking, beside keys/sse-c and in the same (slots) store.
 *
 * Made on the first write that chunks a file, not at init: a vault of format 1 or 2 is upgraded in place
 * then (the secret with CDC_PARAMS_V2 first, then the descriptor says 5), and its older objects stay as
 * they are. A vault that already holds a bare 32-byte secret keeps it and LEGACY_CDC_PARAMS, and its
 * descriptor stays at 4. Two devices making it at once meet at the create-only put: the loser adopts the
 * winner's secret and parameters, so both chunk alike, and raises the descriptor to what the winner's
 * layout needs.
 */
export async function loadOrCreateChunking(slots: BlobStore, sealer: Sealer, vaultId: string, random: RandomSource): Promise<VaultChunking> {
  const objects = new SealedObjects({ store: slots, sealer, vaultId });
  let chunking = await load(objects);
  if (!chunking) {
    const plain = encodeChunking(new Uint8Array(random(CHUNKING_SECRET_BYTES)), CDC_PARAMS_V2);
    const { outcome } = await objects.putNew(CHUNKING, bufferBody(await objects.sealBytes(CHUNKING, plain)));
    chunking = outcome === 'taken' ? await load(objects) : decodeChunking(plain);
    if (!chunking) throw new Error(`${CHUNKING_KEY} was taken by another device but cannot be read back from ${slots.location}`);
  }
  await upgradeDescriptor(slots, vaultId, chunking.descriptorVersion);
  return chunking;
}

async function load(objects: SealedObjects): Promise<VaultChunking | null> {
  let sealed: Buffer;
  try {
    sealed = await objects.fetchSealed(CHUNKING);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
  return decodeChunking(await objects.openBytes(CHUNKING, sealed));
}
