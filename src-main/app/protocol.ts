// app://coffer/… serves the built renderer from dist-renderer/ (Electron's advice: a custom scheme, not
// file://). The same path resolution and headers as `coffer ui`, without network access for the page.
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { mimeType, resolveStaticFile, securityHeaders } from '../ui-server/static-files.ts';
import { APP_HOST, APP_SCHEME } from './security.ts';

/**
 * Must run before app 'ready'. 'standard' + 'secure' give the scheme a real origin for the CSP 'self' and
 * for same-origin module scripts. corsEnabled stays off: it would let other origins read our pages.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
  ]);
}

export function serveAppScheme(staticDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || request.method !== 'GET') return new Response('Not found', { status: 404 });
    const file = await resolveStaticFile(staticDir, url.pathname);
    if (file === null) return new Response('Not found', { status: 404 });
    // Read directly rather than net.fetch(file://): the session below refuses every non-app:// request.
    const body = await readFile(file);
    const headers = new Headers(securityHeaders({ connectSelf: false }));
    headers.set('Content-Type', mimeType(file));
    return new Response(body, { status: 200, headers });
  });
}
