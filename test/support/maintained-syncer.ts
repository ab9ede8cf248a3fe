import type { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { Maintenance, maintainedSync } from '../../src-main/engine/vault/maintenance.ts';
import type { SyncRequest } from '../../src-main/engine/sync/sync-pass.ts';
import type { Clock } from '../../src-main/engine/ports/clock.ts';

/**
 * A syncer whose passes run with the vault's maintenance around them (rotation when due, the daily
 * prune, the dead-upload sweep), as `coffer sync` and VaultRunner run them: for tests of that maintenance.
 */
export class MaintainedSyncer {
  readonly syncer: VaultSyncer;
  private readonly maintenance: Maintenance;

  constructor(private readonly vault: LocalVault, opts: { clock?: Clock } = {}) {
    this.syncer = new VaultSyncer(vault);
    this.maintenance = new Maintenance(vault, opts.clock ?? vault.clock);
  }

  sync(req: SyncRequest = {}) {
    return maintainedSync(this.vault, this.syncer, this.maintenance, req);
  }

  close(): Promise<void> {
    return this.syncer.close();
  }
}
