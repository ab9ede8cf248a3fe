/**
 * Where everything lives inside the vault's prefix (docs/FORMAT.md §Layout). Data, packs, manifest
 * segments and roots all live under objects/ with random ids, so the listing does not even tell them
 * apart. The key slots (keys/recovery, keys/passphrase) belong to engine/keys/, which sits beside this
 * layer, not above it.
 */
export const VAULT_DESCRIPTOR_KEY = 'coffer-vault.json';
export const HEAD_KEY = 'head';
export const OBJECTS_PREFIX = 'objects/';
/** The SSE-C customer key, sealed with the vault key and stored without SSE-C (docs/KEYS.md). */
export const SSE_C_KEY = 'keys/sse-c';
/** The vault's chunking secret (format 3, docs/CDC.md), sealed with the vault key like keys/sse-c. */
export const CHUNKING_KEY = 'keys/chunking';
/** Device records (docs/FORMAT.md §Devices): one sealed object per device, named by its id. */
export const DEVICES_PREFIX = 'devices/';

/** The membership document's versions, sealed with the vault key (docs/FORMAT.md §Team). */
export const MEMBERSHIP_PREFIX = 'team/m/';

export function objectKey(objectId: string): string {
  return `${OBJECTS_PREFIX}${objectId.slice(0, 2)}/${objectId}`;
}

export function objectIdFromKey(key: string): string | null {
  const m = /^objects\/[0-9a-f]{2}\/([0-9a-f]{32})$/.exec(key);
  return m ? m[1]! : null;
}
