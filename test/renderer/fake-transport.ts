// A scriptable stand-in for the Electron/HTTP transports: per-command handlers, failures, hangs (for
// loading states), recorded calls, and events pushed to subscribers. Responses still pass through the
// real contract client, so a fixture that breaks the schema fails the test.
import { ApiError, createApiClient } from '../../src-main/ipc/contract.ts';
import type { ApiClient, CommandName, ErrorCode, Request, Response, Transport } from '../../src-main/ipc/contract.ts';

type Handler<C extends CommandName> = (req: Request<C>) => Response<C> | Promise<Response<C>> | unknown;

export class FakeTransport implements Transport {
  readonly calls: { command: CommandName; payload: unknown }[] = [];
  private handlers = new Map<CommandName, (req: unknown) => unknown>();
  private listeners = new Set<(event: unknown) => void>();

  on<C extends CommandName>(command: C, handler: Handler<C>): this {
    this.handlers.set(command, handler as (req: unknown) => unknown);
    return this;
  }

  fail(command: CommandName, code: ErrorCode, message: string): this {
    return this.on(command, () => {
      throw { code, message };
    });
  }

  /** The command never answers until release() is called: the view stays in its loading state. */
  hang<C extends CommandName>(command: C): { release: (value: Response<C>) => void } {
    let release!: (value: Response<C>) => void;
    const pending = new Promise<Response<C>>((resolve) => (release = resolve));
    this.on(command, () => pending);
    return { release: (v) => release(v) };
  }

  callsOf(command: CommandName): unknown[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.payload);
  }

  async invoke(command: CommandName, payload: unknown): Promise<unknown> {
    this.calls.push({ command, payload });
    const handler = this.handlers.get(command);
    if (!handler) throw new ApiError('internal', `fake transport: no handler for ${command}`);
    return handler(payload);
  }

  subscribe(listener: (event: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: unknown): void {
    for (const l of this.listeners) l(event);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  client(): ApiClient {
    return createApiClient(this);
  }
}
