import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src-main/ipc/contract.ts';
import { httpTransport, takeTokenFromLocation } from '../../src-renderer/lib/transport/http-transport.ts';
import { ipcTransport } from '../../src-renderer/lib/transport/ipc-transport.ts';

function fakeFetch(status: number, body: unknown) {
  const seen: { url: string; init: RequestInit }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), init: init ?? {} });
    return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

describe('httpTransport', () => {
  it('POSTs JSON to /api/<command> with the token header', async () => {
    const f = fakeFetch(200, { restoredPath: '/x (restored)' });
    const t = httpTransport({ token: 'tok', fetch: f.fetch, baseUrl: 'http://127.0.0.1:1' });
    await expect(t.invoke('restoreCopy', { path: 'x', versionId: 'v' })).resolves.toEqual({ restoredPath: '/x (restored)' });
    const [call] = f.seen;
    expect(call?.url).toBe('http://127.0.0.1:1/api/restoreCopy');
    expect(call?.init.method).toBe('POST');
    expect((call?.init.headers as Record<string, string>)['X-Coffer-Token']).toBe('tok');
    expect(JSON.parse(String(call?.init.body))).toEqual({ path: 'x', versionId: 'v' });
  });

  it('raises the server\'s { error: { code, message } }', async () => {
    const t = httpTransport({ token: 't', fetch: fakeFetch(409, { error: { code: 'not-configured', message: 'No vault yet' } }).fetch });
    await expect(t.invoke('status', {})).rejects.toMatchObject({ code: 'not-configured', message: 'No vault yet' });
  });

  it('maps a bare 401 to unauthorized and a network failure to internal', async () => {
    const t = httpTransport({ token: 'bad', fetch: fakeFetch(401, undefined).fetch });
    await expect(t.invoke('status', {})).rejects.toMatchObject({ code: 'unauthorized' });
    const down = httpTransport({ token: 't', fetch: (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch });
    const err = await down.invoke('status', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(/Cannot reach Coffer/);
  });

  it('opens the event stream with the token and closes it on unsubscribe', () => {
    const opened: string[] = [];
    let closed = false;
    let handler: ((e: Event) => void) | undefined;
    class FakeSource {
      constructor(url: string) { opened.push(url); }
      addEventListener(_type: string, h: (e: Event) => void) { handler = h; }
      close() { closed = true; }
    }
    const t = httpTransport({ token: 'a b', fetch: fakeFetch(200, null).fetch, EventSource: FakeSource as never });
    const got: unknown[] = [];
    const stop = t.subscribe((e) => got.push(e));
    handler?.(new MessageEvent('message', { data: '{"type":"progress"}' }));
    handler?.(new MessageEvent('message', { data: 'not json' }));
    stop();
    expect(opened).toEqual(['/api/events?token=a%20b']);
    expect(got).toEqual([{ type: 'progress' }]);
    expect(closed).toBe(true);
  });
});

describe('takeTokenFromLocation', () => {
  it('reads #token=, stores it, and removes it from the address bar', () => {
    const replaced: string[] = [];
    const loc = { hash: '#token=s3cr%2Ft', pathname: '/', search: '' } as Location;
    const hist = { replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) } as unknown as History;
    sessionStorage.clear();
    expect(takeTokenFromLocation(loc, hist, sessionStorage)).toBe('s3cr/t');
    expect(replaced).toEqual(['/']);
    // A reload has no fragment any more: the token comes from this tab's storage.
    expect(takeTokenFromLocation({ hash: '', pathname: '/', search: '' } as Location, hist, sessionStorage)).toBe('s3cr/t');
  });
});

describe('ipcTransport', () => {
  it('uses coffer:<command> channels and unwraps envelopes', async () => {
    const seen: string[] = [];
    const t = ipcTransport({
      invoke: async (channel) => {
        seen.push(channel);
        return channel === 'coffer:keys' ? { ok: true, value: [] } : { ok: false, error: { code: 'key-unavailable', message: 'locked' } };
      },
      subscribe: () => () => {},
    });
    await expect(t.invoke('keys', {})).resolves.toEqual([]);
    await expect(t.invoke('rotateKey', { ref: 'k' })).rejects.toMatchObject({ code: 'key-unavailable', message: 'locked' });
    expect(seen).toEqual(['coffer:keys', 'coffer:rotateKey']);
  });

  it('treats a reply that is not an envelope as an internal error', async () => {
    const t = ipcTransport({ invoke: async () => 'surprise', subscribe: () => () => {} });
    await expect(t.invoke('status', {})).rejects.toMatchObject({ code: 'internal' });
  });
});
