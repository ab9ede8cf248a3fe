import type {
  CreateVaultRequest, DestinationCheck, DestinationRequest, FolderCheck, FolderCheckRequest, JoinTeamRequest, JoinVaultRequest, VaultHost, VaultService,
} from '../ports/vault-service.ts';
import type { ConflictView } from '../ports/team.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import { VaultRegistry } from '../vault/registry.ts';
import type { LocalVault } from '../vault/local-vault.ts';
import { initVault, openVault } from './vault-ops.ts';
import { teamSyncOptions } from './team-sync.ts';
import { EngineVaultService } from './vault-service.ts';
import { joinVault } from './join-ops.ts';
import { joinTeam } from './team-ops.ts';
import type { VaultEnv } from '../vault/vault-env.ts';
import { checkFolder, testDestination } from './first-run-checks.ts';

/**
 * The desktop app's and `coffer ui`'s engine: opens the vault registered in the state home (if any) and
 * keeps it synced in the background; the first-run wizard creates one.
 */
export class EngineVaultHost implements VaultHost {
  private current: EngineVaultService | null = null;
  private vault: LocalVault | null = null;
  /** The registered folder whose passphrase vault could not open without a passphrase. */
  private lockedFolder: string | null = null;

  /**
   * `only.folder`: open that registered folder instead of the first (one host per folder in
   * multi-vault-host.ts); `only.onService`: told of every service this host starts (at open, unlock, create).
   */
  constructor(private readonly env: VaultEnv, private readonly only: { folder?: string; onService?: (service: EngineVaultService) => void } = {}) {}

  service(): VaultService | null {
    return this.current;
  }

  async openExisting(): Promise<void> {
    const vaults = await new VaultRegistry(this.env.home).list();
    if (vaults.length === 0) return;
    const folder = this.only.folder ?? vaults[0]!.folder;
    try {
      await this.attach(await openVault(this.env, folder));
    } catch (err) {
      // A desktop app started without COFFER_PASSPHRASE: the UI asks for it (unlock) instead of failing.
      if (!(err instanceof PassphraseRequiredError)) throw err;
      this.lockedFolder = folder;
    }
  }

  isLocked(): boolean {
    return this.current === null && this.lockedFolder !== null;
  }

  async unlock(passphrase: string): Promise<VaultService> {
    if (this.current) return this.current;
    if (!this.lockedFolder) throw new Error('there is no locked vault to unlock');
    const vault = await openVault({ ...this.env, passphrase: async () => passphrase }, this.lockedFolder);
    this.lockedFolder = null;
    return this.attach(vault);
  }

  async createVault(req: CreateVaultRequest): Promise<{ recoveryKey: string; service: VaultService }> {
    if (this.current) throw new Error('a vault is already set up in this app');
    const { passphrase, accessKeyId, secretAccessKey, ...init } = req;
    const env: VaultEnv = passphrase ? { ...this.env, passphrase: async () => passphrase } : this.env;
    const { vault, recoveryKey } = await initVault(env, { ...init, ...s3Credentials(accessKeyId, secretAccessKey) });
    const service = await this.attach(vault);
    return { recoveryKey, service };
  }

  checkFolder(req: FolderCheckRequest): Promise<FolderCheck> {
    return checkFolder(this.env.home, req);
  }

  testDestination(req: DestinationRequest): Promise<DestinationCheck> {
    return testDestination(req);
  }

  async joinVault(req: JoinVaultRequest): Promise<{ pulled: number; conflicts: ConflictView[]; service: VaultService }> {
    if (this.current) throw new Error('a vault is already set up in this app');
    const { passphrase, accessKeyId, secretAccessKey, ...join } = req;
    const env: VaultEnv = passphrase ? { ...this.env, passphrase: async () => passphrase } : this.env;
    const { vault, pulled, conflicts } = await joinVault(env, { ...join, ...s3Credentials(accessKeyId, secretAccessKey) });
    const service = await this.attach(vault);
    return { pulled, conflicts, service };
  }

  async joinTeam(req: JoinTeamRequest): Promise<{ memberId: string; service: VaultService }> {
    if (this.current) throw new Error('a vault is already set up in this app');
    const { vault, memberId } = await joinTeam(this.env, req);
    const service = await this.attach(vault);
    return { memberId, service };
  }

  /** Returns once nothing this host started is still running or writing (passes, refreshes, audit log). */
  async close(): Promise<void> {
    await this.current?.close();
    await this.vault?.close();
    this.current = null;
    this.vault = null;
  }

  private async attach(vault: LocalVault): Promise<EngineVaultService> {
    this.vault = vault;
    this.current = new EngineVaultService(vault, await teamSyncOptions(vault));
    await this.current.runner.start();
    this.only.onService?.(this.current);
    return this.current;
  }
}

/** Typed access keys as the engine keeps them; both or neither (the contract refuses one alone). */
function s3Credentials(accessKeyId?: string, secretAccessKey?: string): { credentials?: { accessKeyId: string; secretAccessKey: string } } {
  return accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {};
}

export interface AppHostOptions {
  stateDir: string;
  wrapStore?: (s: BlobStore) => BlobStore;
  passphrase?: () => Promise<string>;
}

export async function openVaultHost(opts: AppHostOptions): Promise<EngineVaultHost> {
  const host = new EngineVaultHost(appVaultEnv(opts));
  await host.openExisting();
  return host;
}

/** The app's engine env: the passphrase from COFFER_PASSPHRASE or the host's prompt, else "locked". */
export function appVaultEnv(opts: AppHostOptions): VaultEnv {
  return {
    home: opts.stateDir,
    wrapStore: opts.wrapStore,
    passphrase: async () => {
      if (process.env.COFFER_PASSPHRASE) return process.env.COFFER_PASSPHRASE;
      if (opts.passphrase) return opts.passphrase().catch((err: Error) => { throw new PassphraseRequiredError(err.message); });
      throw new PassphraseRequiredError('this vault needs its passphrase');
    },
  };
}

/** No passphrase could be had without asking the user: the host reports the vault as locked. */
export class PassphraseRequiredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PassphraseRequiredError';
  }
}
