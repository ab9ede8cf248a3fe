import type { BlobStore } from '../ports/blob-store.ts';
import type { RandomSource } from '../ports/clock.ts';
import type { ObjectContext, Sealer } from '../ports/sealer.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { bufferBody, readAll } from '../store/body.ts';

/**
 * Server-side encryption per vault (docs/KEYS.md), an extra layer over Coffer's own encryption.
 *
 * SSE-C needs a customer key on every request, reads included. That key is itself stored in the bucket,
 * at `keys/sse-c`, sealed like any object with the vault key (an Encryption SDK message), and written
 * WITHOUT SSE-C: otherwise nobody could read it to learn the key. The descriptor and the key slots are
 * bootstrap objects for the same reason, so a vault in mode `c` has two stores over one prefix: a plain
 * one for `coffer-vault.json` and `keys/`, and one that sends the customer key for everything else
 * (vault-stores.ts builds both; sse-setting.ts parses and checks the setting).
 */
export const SSE_C_KEY = 'keys/sse-c';
export const SSE_C_CONTEXT = (vaultId: string): ObjectContext => ({ vaultId, objectId: 'sse-c', kind: 'keyslot' });

/** A new random 256-bit customer key, sealed with the vault key and stored create-only at keys/sse-c. */
export async function createSseCKey(bootstrap: BlobStore, sealer: Sealer, vaultId: string, random: RandomSource): Promise<Uint8Array> {
  const key = new Uint8Array(random(32));
  const sealed = await sealer.sealBytes(key, SSE_C_CONTEXT(vaultId));
  const cond = bootstrap.features.conditionalWrite ? { ifNoneMatch: '*' as const } : {};
  await bootstrap.put(SSE_C_KEY, bufferBody(sealed), cond);
  return key;
}

/** Reads and unseals the customer key; a missing or damaged one is a plain error naming the object. */
export async function loadSseCKey(bootstrap: BlobStore, sealer: Sealer, vaultId: string): Promise<Uint8Array> {
  let sealed: Buffer;
  try {
    sealed = await readAll(await bootstrap.get(SSE_C_KEY));
  } catch (err) {
    if (err instanceof NotFoundError) {
      throw new Error(`this vault uses SSE-C, but its customer key (${SSE_C_KEY}) is missing from ${bootstrap.location}; without it the server refuses to return any object`, { cause: err });
    }
    throw err;
  }
  const key = await sealer.openBytes(sealed, SSE_C_CONTEXT(vaultId));
  if (key.length !== 32) throw new Error(`${SSE_C_KEY} does not hold a 32-byte SSE-C key (${key.length} bytes)`);
  return key;
}

/** Whether a vault found in the bucket alone (no local settings) uses SSE-C. */
export async function hasSseCKey(bootstrap: BlobStore): Promise<boolean> {
  return (await bootstrap.head(SSE_C_KEY)) !== null;
}
