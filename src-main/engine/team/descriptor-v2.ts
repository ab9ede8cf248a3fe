import type { BlobStore } from '../ports/blob-store.ts';
import { VAULT_DESCRIPTOR_KEY } from '../objects/object-keys.ts';
import { bufferBody } from '../store/body.ts';

/**
 * The descriptor becomes version 2 once the first membership version exists (docs/FORMAT.md §Team): a
 * client that knows only version 1 refuses the vault, so it cannot commit unsigned roots into a team.
 */
export async function markTeamVault(store: BlobStore, vaultId: string): Promise<void> {
  await store.put(VAULT_DESCRIPTOR_KEY, bufferBody(JSON.stringify({ format: 'coffer-vault', version: 2, vaultId })));
}
