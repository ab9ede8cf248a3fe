// PLACEHOLDER (created by the shell helper so main.ts type-checks): the lead replaces this with the real
// VaultHost that opens the vault in stateDir.
import type { VaultHost } from '../ports/vault-service.ts';

export async function openVaultHost(_opts: { stateDir: string }): Promise<VaultHost> {
  throw new Error('openVaultHost: not implemented');
}
