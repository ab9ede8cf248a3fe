// `coffer ui`: the built renderer and the IPC contract over HTTP on 127.0.0.1 only (wire protocol:
// src-main/ipc/contract.ts). Every request passes the Host/Origin check; /api/* also needs the token.
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VaultHost } from '../engine/ports/vault-service.ts';
import { TOKEN_HEADER } from '../ipc/contract.ts';
import { createDispatcher } from '../ipc/dispatch.ts';
import { EventRelay } from '../ipc/event-relay.ts';
import { handleCommand, handleEvents, sendError } from './api.ts';
import { checkSite, checkToken, newToken } from './auth.ts';
import { mimeType, resolveStaticFile, securityHeaders } from './static-files.ts';

export interface UiServerOptions {
  host: VaultHost;
  /** 0 or absent: the OS picks a free port. */
  port?: number;
  /** The built renderer (dist-renderer/). */
  staticDir: string;
  /** Fixed token (tests); otherwise 32 random bytes per run. */
  token?: string;
}

export interface UiServer {
  /** http://127.0.0.1:PORT/#token=... : the URL to open; the token stays in the fragment. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = opts.token ?? newToken();
  if (token.length < 16) throw new Error('startUiServer: the token must be at least 16 characters');
  const relay = new EventRelay();
  const followed = relay.followHost(opts.host);
  const unfollow = followed.stop;
  const dispatch = createDispatcher({ host: opts.host, onVaultCreated: followed.onVaultCreated });
  const headers = securityHeaders({ connectSelf: true });
  const streams = new Set<() => void>();
  let port = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, { code: 'internal', message: 'Internal error' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const site = checkSite({ host: req.headers.host, origin: req.headers.origin }, port);
    if (site) return sendError(res, site.status, { code: site.code, message: site.message });
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      const isEvents = url.pathname === '/api/events';
      const given = header(req, TOKEN_HEADER) ?? (isEvents ? url.searchParams.get('token') : null);
      const auth = checkToken(given, token);
      if (auth) return sendError(res, auth.status, { code: auth.code, message: auth.message });
      if (isEvents) {
        if (req.method !== 'GET') return sendError(res, 405, { code: 'invalid-request', message: 'Events are a GET stream' });
        const end = handleEvents(req, res, relay, headers);
        streams.add(end);
        req.on('close', () => streams.delete(end));
        return;
      }
      return handleCommand(req, res, url.pathname.slice('/api/'.length), dispatch);
    }
    return serveStatic(req, res, url.pathname);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendError(res, 405, { code: 'invalid-request', message: 'Method not allowed' });
    }
    const file = await resolveStaticFile(opts.staticDir, pathname);
    if (file === null) return sendError(res, 404, { code: 'not-found', message: 'Not found' });
    res.writeHead(200, {
      ...headers,
      'Content-Type': mimeType(file),
      // The page itself must never be cached: the next run has a different token and maybe another build.
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    await new Promise<void>((resolve, reject) => {
      createReadStream(file).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${LOOPBACK}:${port}/#token=${token}`,
    port,
    token,
    async close() {
      for (const end of streams) end();
      unfollow();
      relay.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
