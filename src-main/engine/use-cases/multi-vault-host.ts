import type {
  CreateVaultRequest, DestinationCheck, DestinationRequest, FolderCheck, FolderCheckRequest, FolderView, JoinTeamRequest, JoinVaultRequest, VaultEvent, VaultHost, VaultService,
} from '../ports/vault-service.ts';
import type { ConflictView } from '../ports/team.ts';
import { VaultRegistry } from '../vault/registry.ts';
import { EngineVaultHost, appVaultEnv, type AppHostOptions } from './vault-host.ts';
import type { EngineVaultService } from './vault-service.ts';
import { FolderRefused, checkNewFolder, folderNames } from './folder-overlap.ts';
import { checkFolder, testDestination } from './first-run-checks.ts';

/** One registered folder: its own single-vault host (own runner, own lock state, own failure). */
interface Slot {
  vaultId: string;
  folder: string;
  host: EngineVaultHost;
  service: EngineVaultService | null;
  /** Why the folder could not be opened at all (null: open, locked, or not tried yet). */
  openError: Error | null;
  stopEvents: (() => void) | null;
}

/**
 * The app's engine with several folders (as Arq, Kopia or Cryptomator keep several): every registered
 * vault is opened and synced in the background at once, each by its own EngineVaultHost, so one locked,
 * unreachable or failing vault never stops another. One of them is selected: service(), isLocked() and
 * unlock() answer for it, so every other IPC command acts on it. createVault, joinVault and joinTeam add
 * a vault (and select it) while others exist; a folder overlapping another vault's is refused.
 */
export class MultiVaultHost implements VaultHost {
  private readonly slots: Slot[] = [];
  private selectedId: string | null = null;
  private readonly listeners = new Set<(event: VaultEvent) => void>();
  /** Adds run one at a time: two at once could both pass the overlap check for one folder. */
  private adding: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: AppHostOptions) {}

  /** Opens every registered vault side by side (a slow one does not hold up the rest); selects the first. */
  async openAll(): Promise<void> {
    const registered = await this.registry().list();
    const slots = registered.map((v) => this.newSlot(v.folder, v.vaultId));
    await Promise.all(slots.map((s) => this.open(s)));
    this.selectedId ??= slots[0]?.vaultId ?? null;
  }

  service(): VaultService | null {
    return this.selected()?.host.service() ?? null;
  }

  isLocked(): boolean {
    return this.selected()?.host.isLocked() ?? false;
  }

  /** Why the selected folder could not be opened, for the dispatcher to answer with (null: it is open or locked). */
  selectedError(): Error | null {
    const slot = this.selected();
    return slot && !slot.host.service() && !slot.host.isLocked() ? slot.openError : null;
  }

  async unlock(passphrase: string): Promise<VaultService> {
    const slot = this.selected();
    if (!slot) throw new FolderRefused('there is no locked vault to unlock');
    return slot.host.unlock(passphrase);
  }

  async folders(): Promise<FolderView[]> {
    // A folder being added shows once its vault exists.
    const slots = this.slots.filter((s) => s.vaultId !== '');
    const names = folderNames(slots.map((s) => s.folder));
    return slots.map((s, i) => ({
      vaultId: s.vaultId, folder: s.folder, name: names[i]!, selected: s.vaultId === this.selectedId, ...this.stateOf(s),
    }));
  }

  async selectFolder(vaultId: string): Promise<FolderView[]> {
    const slot = this.slots.find((s) => s.vaultId === vaultId);
    if (!slot) throw new FolderRefused(`this app protects no folder with vault id ${vaultId}`);
    // Choosing a folder that could not be opened is the natural moment to try again.
    if (slot.openError) await this.open(slot);
    this.selectedId = vaultId;
    return this.folders();
  }

  /** The services that run now (tray actions apply to all of them). */
  runningServices(): EngineVaultService[] {
    return this.slots.flatMap((s) => (s.service ? [s.service] : []));
  }

  subscribe(listener: (event: VaultEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The wizard's folder step; it refuses a folder inside or around one already protected here. */
  checkFolder(req: FolderCheckRequest): Promise<FolderCheck> {
    return checkFolder(this.opts.stateDir, req);
  }

  testDestination(req: DestinationRequest): Promise<DestinationCheck> {
    return testDestination(req);
  }

  createVault(req: CreateVaultRequest): Promise<{ recoveryKey: string; service: VaultService }> {
    return this.add(req.folder, req.remote, (host) => host.createVault(req));
  }

  joinVault(req: JoinVaultRequest): Promise<{ pulled: number; conflicts: ConflictView[]; service: VaultService }> {
    return this.add(req.folder, req.remote, (host) => host.joinVault(req));
  }

  joinTeam(req: JoinTeamRequest): Promise<{ memberId: string; service: VaultService }> {
    // The join code names the destination; the folder is checked like any other.
    return this.add(req.folder, undefined, (host) => host.joinTeam(req));
  }

  /** Returns once no vault's pass, refresh or audit-log append is still running. */
  async close(): Promise<void> {
    await Promise.all(this.slots.map(async (s) => {
      s.stopEvents?.();
      await s.host.close();
    }));
    this.listeners.clear();
  }

  private add<R extends { service: VaultService }>(folder: string, remote: string | undefined, make: (host: EngineVaultHost) => Promise<R>): Promise<R> {
    const run = this.adding.then(async () => {
      await checkNewFolder(await this.registry().list(), folder, remote);
      const slot = this.newSlot(folder, '');
      try {
        const result = await make(slot.host);
        const { vaultId, folder: registered } = await this.registry().find(folder);
        Object.assign(slot, { vaultId, folder: registered });
        this.selectedId = vaultId;
        return result;
      } catch (err) {
        this.slots.splice(this.slots.indexOf(slot), 1);
        slot.stopEvents?.();
        throw err;
      }
    });
    this.adding = run.catch(() => undefined);
    return run;
  }

  private newSlot(folder: string, vaultId: string): Slot {
    const slot: Slot = { vaultId, folder, host: null as unknown as EngineVaultHost, service: null, openError: null, stopEvents: null };
    slot.host = new EngineVaultHost(appVaultEnv(this.opts), { folder, onService: (svc) => this.follow(slot, svc) });
    this.slots.push(slot);
    return slot;
  }

  /** Every service a slot starts (at open, unlock or create) relays its events tagged with its vault. */
  private follow(slot: Slot, service: EngineVaultService): void {
    slot.stopEvents?.();
    slot.service = service;
    slot.vaultId = service.vaultId;
    slot.stopEvents = service.subscribe((event) => {
      const tagged: VaultEvent = { ...event, vaultId: slot.vaultId };
      for (const l of this.listeners) l(tagged);
    });
  }

  private async open(slot: Slot): Promise<void> {
    try {
      await slot.host.openExisting();
      slot.openError = null;
    } catch (err) {
      slot.openError = err instanceof Error ? err : new Error(String(err));
    }
  }

  private stateOf(slot: Slot): Pick<FolderView, 'state' | 'error'> {
    const svc = slot.host.service() === null ? null : slot.service;
    if (svc) return { state: svc.runner.state, ...(svc.runner.lastError ? { error: svc.runner.lastError } : {}) };
    if (slot.host.isLocked()) return { state: 'locked', error: 'enter the vault\'s passphrase to unlock it' };
    if (slot.openError) return { state: 'error', error: slot.openError.message };
    return { state: 'not-configured' };
  }

  private selected(): Slot | undefined {
    return this.slots.find((s) => s.vaultId === this.selectedId);
  }

  private registry(): VaultRegistry {
    return new VaultRegistry(this.opts.stateDir);
  }
}

/** The desktop app's and `coffer ui`'s engine: every registered folder, each its own vault. */
export async function openMultiVaultHost(opts: AppHostOptions): Promise<MultiVaultHost> {
  const host = new MultiVaultHost(opts);
  await host.openAll();
  return host;
}
