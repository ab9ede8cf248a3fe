/**
 * The vault types, in one place for importers: LocalVault (a folder on this machine, with settings;
 * local-vault.ts) and RemoteVault (opened from the bucket alone, read-only; remote-vault.ts), sharing the
 * read side (ReadableVault, readable-vault.ts). Their stores are built by vault-stores.ts. Hosts reach them
 * only through engine/api.ts.
 */
export { LocalVault, type InitRequest } from './local-vault.ts';
export { RemoteVault, type RemoteRequest } from './remote-vault.ts';
export { ReadableVault, type VaultVerifyReport } from './readable-vault.ts';
