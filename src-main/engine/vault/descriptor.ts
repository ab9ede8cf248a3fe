import type { BlobStore } from '../ports/blob-store.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { VaultDescriptorSchema, type VaultDescriptor } from '../manifest/schema.ts';
import { VAULT_DESCRIPTOR_KEY } from '../objects/object-keys.ts';
import { bufferBody, readAll } from '../store/body.ts';

/** The bucket's only plaintext document: which vault this is and its format. */
export async function readDescriptor(store: BlobStore, location: string): Promise<VaultDescriptor> {
  let raw: Buffer;
  try {
    raw = await readAll(await store.get(VAULT_DESCRIPTOR_KEY));
  } catch (err) {
    if (err instanceof NotFoundError) throw new Error(`there is no Coffer vault at ${location}`);
    throw err;
  }
  const parsed = VaultDescriptorSchema.safeParse(JSON.parse(raw.toString('utf8')));
  if (!parsed.success) throw new Error(`${location} holds a vault of an unknown format; a newer Coffer may be needed`);
  return parsed.data;
}

/**
 * Raises the descriptor's version to at least `version` (never lowers it): format 4 (or 5, with the
 * chunking parameters recorded, vault/chunking-layout.ts) is reached when a vault first stores chunks,
 * format 2 when it becomes a team, in either order.
 */
export async function upgradeDescriptor(store: BlobStore, vaultId: string, version: VaultDescriptor['version']): Promise<void> {
  const current = await readDescriptor(store, store.location);
  if (current.vaultId !== vaultId) throw new Error(`${store.location} holds vault ${current.vaultId}, not ${vaultId}`);
  if (current.version >= version) return;
  await store.put(VAULT_DESCRIPTOR_KEY, bufferBody(JSON.stringify({ ...current, version })));
}

export async function writeDescriptor(store: BlobStore, vaultId: string): Promise<void> {
  const doc: VaultDescriptor = { format: 'coffer-vault', version: 1, vaultId };
  const cond = store.features.conditionalWrite ? { ifNoneMatch: '*' as const } : {};
  await store.put(VAULT_DESCRIPTOR_KEY, bufferBody(JSON.stringify(doc)), cond);
}
