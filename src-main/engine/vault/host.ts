import type { CreateVaultRequest, VaultHost, VaultService } from '../ports/vault-service.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import { VaultRegistry } from './registry.ts';
import { Vault } from './vault.ts';
import { EngineVaultService } from './vault-service-impl.ts';
import type { VaultEnv } from './remote-vault.ts';

/**
 * The desktop app's and `coffer ui`'s engine: opens the vault registered in the state home (if any) and
 * keeps it synced in the background; the first-run wizard creates one.
 */
export class EngineVaultHost implements VaultHost {
  private current: EngineVaultService | null = null;
  private vault: Vault | null = null;

  constructor(private readonly env: VaultEnv) {}

  service(): VaultService | null {
    return this.current;
  }

  async openExisting(): Promise<void> {
    const vaults = await new VaultRegistry(this.env.home).list();
    if (vaults.length === 0) return;
    await this.attach(await Vault.open(this.env, vaults[0]!.folder));
  }

  async createVault(req: CreateVaultRequest): Promise<{ recoveryKey: string; service: VaultService }> {
    if (this.current) throw new Error('a vault is already set up in this app');
    const env: VaultEnv = req.passphrase ? { ...this.env, passphrase: async () => req.passphrase! } : this.env;
    const { vault, recoveryKey } = await Vault.init(env, req);
    const service = await this.attach(vault);
    return { recoveryKey, service };
  }

  async close(): Promise<void> {
    await this.current?.runner.stop();
    await this.vault?.close();
    this.current = null;
    this.vault = null;
  }

  private async attach(vault: Vault): Promise<EngineVaultService> {
    this.vault = vault;
    this.current = new EngineVaultService(vault);
    await this.current.runner.start();
    return this.current;
  }
}

export async function openVaultHost(opts: { stateDir: string; wrapStore?: (s: BlobStore) => BlobStore; passphrase?: () => Promise<string> }): Promise<EngineVaultHost> {
  const host = new EngineVaultHost({
    home: opts.stateDir,
    wrapStore: opts.wrapStore,
    passphrase: opts.passphrase ?? (async () => {
      if (process.env.COFFER_PASSPHRASE) return process.env.COFFER_PASSPHRASE;
      throw new Error('this vault needs its passphrase: start Coffer with COFFER_PASSPHRASE set');
    }),
  });
  await host.openExisting();
  return host;
}
