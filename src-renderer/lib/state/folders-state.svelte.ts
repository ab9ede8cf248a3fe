// The folders this app protects (each its own vault) and which one the views show. Engine events carry
// the vault they are about: the views get the selected folder's only (scoped()), while this list
// follows every folder's state for the switcher.
import type { ApiClient, FolderView, VaultEvent } from '../api-types.ts';

export class FoldersState {
  list = $state<FolderView[]>([]);
  /** The last switch's failure, in words. */
  error = $state<string | null>(null);
  switching = $state(false);
  selected = $derived(this.list.find((f) => f.selected) ?? null);
  #stopEvents: (() => void) | null = null;

  constructor(private readonly api: ApiClient) {}

  /** Loads the list and follows the folders' states; returns the stop function. */
  start(): () => void {
    void this.load();
    return () => {
      this.#stopEvents?.();
      this.#stopEvents = null;
    };
  }

  async load(): Promise<void> {
    try {
      this.list = await this.api.folders();
    } catch {
      this.list = []; // a host of one vault has no folder list: the switcher stays hidden
    }
    // Subscribed only once there are folders to follow (a host of one vault sends untagged events).
    if (this.list.length > 0 && this.#stopEvents === null) this.#stopEvents = this.api.subscribe((e) => this.#follow(e));
  }

  /** Makes `vaultId` the folder the views show; true when the selection changed. */
  async select(vaultId: string): Promise<boolean> {
    if (this.selected?.vaultId === vaultId) return false;
    this.switching = true;
    this.error = null;
    try {
      this.list = await this.api.selectFolder({ vaultId });
      return true;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return false;
    } finally {
      this.switching = false;
    }
  }

  /** The API as the views use it: the same calls, and only the selected folder's events. */
  scoped(): ApiClient {
    const api = this.api;
    return { ...api, subscribe: (listener) => api.subscribe((e) => { if (this.#forViews(e)) listener(e); }) };
  }

  #forViews(e: VaultEvent): boolean {
    // Untagged (a host of one vault) or the list not known yet: nothing to tell apart.
    const selected = this.selected?.vaultId;
    return e.vaultId === undefined || selected === undefined || e.vaultId === selected;
  }

  #follow(e: VaultEvent): void {
    if (e.type !== 'status' || e.vaultId === undefined) return;
    const folder = this.list.find((f) => f.vaultId === e.vaultId);
    if (!folder) return;
    folder.state = e.status.state;
    folder.error = e.status.error;
  }
}
