// Serving the built renderer (dist-renderer/) safely. Shared by `coffer ui` and the Electron app:// protocol
// so both hosts resolve paths, MIME types and the CSP the same way.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** Anything not listed is served as opaque bytes, so a browser never sniffs it into script or HTML. */
export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The page policy. Scripts and styles only from our own origin, no inline script, no eval, no frames,
 * no plugins. `connectSelf` allows fetch/EventSource to our own origin (needed by `coffer ui`; the
 * Electron renderer talks over IPC and needs no network at all).
 */
export function contentSecurityPolicy(opts: { connectSelf: boolean }): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${opts.connectSelf ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Response headers every static file gets, in both hosts. */
export function securityHeaders(opts: { connectSelf: boolean }): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(opts),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}

/**
 * Maps a URL path ("/assets/app.js", "/") to a regular file inside `root`, or null.
 * Rejects encoded separators, NUL, dot segments and symlinks that lead outside `root`: the check is done
 * on the real path, after the file system has had its say.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return null;
  const rel = segments.length === 0 ? 'index.html' : segments.join('/');
  const realRoot = await canonical(root);
  if (realRoot === null) return null;
  const real = await canonical(path.resolve(realRoot, rel));
  if (real === null || (real !== realRoot && !real.startsWith(realRoot + path.sep))) return null;
  try {
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * The real path (symlinks resolved), or null when the path does not exist. Inside Electron's app.asar
 * realpath may be unsupported while stat works; there the lexical path is used (an asar holds only what
 * we packed).
 */
async function canonical(p: string): Promise<string | null> {
  try {
    return await realpath(p);
  } catch {
    if (!p.includes(`.asar${path.sep}`) && !p.endsWith('.asar')) return null;
    try {
      await stat(p);
      return path.resolve(p);
    } catch {
      return null;
    }
  }
}
