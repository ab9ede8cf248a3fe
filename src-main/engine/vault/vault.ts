import { LocalVault } from './local-vault.ts';
import { RemoteVault } from './remote-vault.ts';

/**
 * The vault types: LocalVault (a folder on this machine, with settings; local-vault.ts) and RemoteVault
 * (opened from the bucket alone, read-only; remote-vault.ts), sharing the read side (readable-vault.ts).
 * Their stores are built by vault-stores.ts.
 *
 * `Vault` keeps the entry points' old names while the hosts move to engine/api.ts.
 */
export const Vault = {
  init: LocalVault.init,
  open: LocalVault.open,
  openRemote: RemoteVault.open,
} as const;
export type Vault = LocalVault;

export { LocalVault, type InitRequest } from './local-vault.ts';
export { RemoteVault, type RemoteRequest } from './remote-vault.ts';
export { ReadableVault, type VaultVerifyReport } from './readable-vault.ts';
