// `coffer ui`: the same contract over loopback HTTP (wire protocol: src-main/ipc/contract.ts header).
import { ApiError, ApiErrorShape, TOKEN_HEADER } from '../../../src-main/ipc/contract.ts';
import type { Transport } from '../../../src-main/ipc/contract.ts';

export interface HttpTransportOptions {
  token: string;
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  EventSource?: new (url: string) => Pick<EventSource, 'addEventListener' | 'close'>;
}

export function httpTransport(opts: HttpTransportOptions): Transport {
  const base = opts.baseUrl ?? '';
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    async invoke(command, payload) {
      let res: Response;
      try {
        res = await doFetch(`${base}/api/${command}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: opts.token },
          body: JSON.stringify(payload ?? {}),
          credentials: 'omit',
        });
      } catch (err) {
        throw new ApiError('internal', `Cannot reach Coffer: ${err instanceof Error ? err.message : String(err)}`);
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (res.ok) return body ?? null;
      const shaped = ApiErrorShape.safeParse((body as { error?: unknown } | undefined)?.error);
      if (shaped.success) throw new ApiError(shaped.data.code, shaped.data.message);
      throw new ApiError(res.status === 401 ? 'unauthorized' : 'internal', `${command}: HTTP ${res.status}`);
    },
    subscribe(listener) {
      const Source = opts.EventSource ?? globalThis.EventSource;
      if (!Source) return () => {};
      // EventSource reconnects by itself after a dropped connection.
      const source = new Source(`${base}/api/events?token=${encodeURIComponent(opts.token)}`);
      const onMessage = (e: Event) => {
        try {
          listener(JSON.parse((e as MessageEvent<string>).data));
        } catch {
          // A malformed event is dropped; the client validates the rest.
        }
      };
      source.addEventListener('message', onMessage);
      return () => source.close();
    },
  };
}

const TOKEN_KEY = 'coffer.token';

/**
 * Reads the per-run token from `#token=...`, keeps it for reloads of this tab, and removes it from the
 * address bar so it does not end up in history, bookmarks or screenshots.
 */
export function takeTokenFromLocation(loc: Location, hist: History, storage: Storage): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(loc.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    storage.setItem(TOKEN_KEY, token);
    hist.replaceState(null, '', loc.pathname + loc.search);
    return token;
  }
  return storage.getItem(TOKEN_KEY);
}
