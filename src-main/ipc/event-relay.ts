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
   * Follows a host: every vault's events when it keeps several (host.subscribe), else its one service's.
   * Returns what the host's dispatcher calls after createVault, joinVault or joinTeam (onVaultCreated).
   */
  followHost(host: VaultHost): (service: VaultService) => void {
    if (host.subscribe) {
      this.attach({ subscribe: (l) => host.subscribe!(l) });
      return () => undefined;
    }
    this.attach(host.service());
    return (service) => this.attach(service);
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
