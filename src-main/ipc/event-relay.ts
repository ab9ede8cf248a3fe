// Engine events -> UI listeners, for both hosts. Events are validated against the contract (unknown
// fields stripped) before they leave, and the relay follows the vault when the first-run wizard creates it.
import { VaultEvent } from './contract.ts';
import type { VaultHost, VaultService } from '../engine/ports/vault-service.ts';

export type EventListener = (event: VaultEvent) => void;

export class EventRelay {
  readonly #listeners = new Set<EventListener>();
  #unsubscribe: (() => void) | null = null;

  /** Follow `service`'s events (null detaches). Safe to call again after createVault. */
  attach(service: Pick<VaultService, 'subscribe'> | null): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (service === null) return;
    this.#unsubscribe = service.subscribe((raw) => this.publish(raw));
  }

  /**
   * Follows a host: every vault's events when it keeps several (host.subscribe: a multi-folder host
   * tags its folders' waiting statuses and events itself), else its one service's and what the host
   * changes on its own (follow()). Returns what the dispatcher calls after createVault, joinVault or
   * joinTeam (onVaultCreated), and the stop function.
   */
  followHost(host: VaultHost): { onVaultCreated: (service: VaultService) => void; stop: () => void } {
    if (host.subscribe) {
      this.attach({ subscribe: (l) => host.subscribe!(l) });
      return { onVaultCreated: () => undefined, stop: () => this.attach(null) };
    }
    return { onVaultCreated: (service) => this.attach(service), stop: this.follow(host) };
  }

  /**
   * Follows the host's service and what the host changes on its own: the waiting status while the
   * destination is away goes out as a status event, and the service opened after a retry is attached
   * (with its status sent at once: the runner started before the relay could listen). Returns the stop function.
   */
  follow(host: VaultHost): () => void {
    this.attach(host.service());
    const stop = host.onChange?.((change) => {
      if (change.type === 'waiting') this.publish({ type: 'status', status: change.status });
      if (change.type !== 'opened') return;
      this.attach(change.service);
      void change.service.status().then((status) => this.publish({ type: 'status', status }), () => undefined);
    });
    return stop ?? (() => undefined);
  }

  /** Validates and fans one event out; malformed events are dropped rather than forwarded. */
  publish(raw: unknown): void {
    const parsed = VaultEvent.safeParse(raw);
    if (!parsed.success) return;
    for (const l of this.#listeners) {
      try {
        l(parsed.data);
      } catch {
        // One broken listener (e.g. a closed SSE socket) must not starve the others.
      }
    }
  }

  listen(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  close(): void {
    this.attach(null);
    this.#listeners.clear();
  }
}
