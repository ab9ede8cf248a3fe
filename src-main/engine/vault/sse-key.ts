import type { BlobStore } from '../ports/blob-store.ts';
import type { RandomSource } from '../ports/clock.ts';
import type { Sealer } from '../ports/sealer.ts';
import { bufferBody } from '../store/body.ts';
import { SealedObjects } from '../objects/sealed-objects.ts';
import { SSE_C, keyOf } from '../objects/object-ref.ts';
import { SSE_C_KEY } from '../objects/object-keys.ts';
import { NotFoundError } from '../ports/store-errors.ts';

/**
 * Server-side encryption per vault (docs/KEYS.md), an extra layer over Coffer's own encryption.
 *
 * SSE-C needs a customer key on every request, reads included. That key is itself stored in the bucket,
 * at `keys/sse-c`, sealed like any object with the vault key (an Encryption SDK message), and written
 * WITHOUT SSE-C: otherwise nobody could read it to learn the key. The descriptor and the key slots are
 * bootstrap objects for the same reason, so a vault in mode `c` has two stores over one prefix: a plain
 * one for `coffer-vault.json` and `keys/`, and one that sends the customer key for everything else
 * (vault-stores.ts builds both; sse-setting.ts parses and checks the setting). Its key and encryption
 * context are the sealed-objects layer's SSE_C ref (objects/object-ref.ts).
 */
export { SSE_C_KEY };

/** A new random 256-bit customer key, sealed with the vault key and stored create-only at keys/sse-c. */
export async function createSseCKey(bootstrap: BlobStore, sealer: Sealer, vaultId: string, random: RandomSource): Promise<Uint8Array> {
  const key = new Uint8Array(random(32));
  const objects = new SealedObjects({ store: bootstrap, sealer, vaultId });
  // Create-only: a retried put whose answer was lost is adopted; another key already there is never replaced.
  const { outcome } = await objects.putNew(SSE_C, bufferBody(await objects.sealBytes(SSE_C, key)));
  if (outcome === 'taken') {
    throw new Error(`${bootstrap.location} already holds another SSE-C customer key (${SSE_C_KEY}); it was left as it is`);
  }
  return key;
}

/** Reads and unseals the customer key; a missing or damaged one is a plain error naming the object. */
export async function loadSseCKey(bootstrap: BlobStore, sealer: Sealer, vaultId: string): Promise<Uint8Array> {
  const objects = new SealedObjects({ store: bootstrap, sealer, vaultId });
  let sealed: Buffer;
  try {
    sealed = await objects.fetchSealed(SSE_C);
  } catch (err) {
    if (err instanceof NotFoundError) {
      throw new Error(`this vault uses SSE-C, but its customer key (${SSE_C_KEY}) is missing from ${bootstrap.location}; without it the server refuses to return any object`, { cause: err });
    }
    throw err;
  }
  const key = await objects.openBytes(SSE_C, sealed);
  if (key.length !== 32) throw new Error(`${SSE_C_KEY} does not hold a 32-byte SSE-C key (${key.length} bytes)`);
  return key;
}

/** Whether a vault found in the bucket alone (no local settings) uses SSE-C. */
export async function hasSseCKey(bootstrap: BlobStore): Promise<boolean> {
  return (await bootstrap.head(keyOf(SSE_C))) !== null;
}
