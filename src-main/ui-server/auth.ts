// Who may talk to `coffer ui`: a page that knows this run's token, reached by a loopback name (DNS
// rebinding defence: the Host header must be ours), and, when a browser says where it comes from, our
// own origin (cross-site request defence).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: the per-run secret that goes in the URL fragment. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time; hashing first makes the comparison independent of the lengths too. */
export function tokensEqual(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The Host names we answer to; anything else is a rebinding attempt or a misconfigured proxy. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/**
 * Origin, when present, must be exactly the origin the page was loaded from (http + the Host we accepted).
 * "null" (sandboxed frames, file://) and every other site are refused.
 */
export function isAllowedOrigin(origin: string | undefined, host: string, port: number): boolean {
  if (origin === undefined) return true;
  return isAllowedHost(host, port) && origin.toLowerCase() === `http://${host.toLowerCase()}`;
}

export type AuthFailure = { status: 401 | 403; code: 'unauthorized' | 'forbidden'; message: string };

/** Host and Origin checks, for every request (static files too: a rebound page must get nothing). */
export function checkSite(headers: { host?: string; origin?: string }, port: number): AuthFailure | null {
  if (!isAllowedHost(headers.host, port)) {
    return { status: 403, code: 'forbidden', message: 'Unexpected Host header: open the URL coffer ui printed' };
  }
  if (!isAllowedOrigin(headers.origin, headers.host ?? '', port)) {
    return { status: 403, code: 'forbidden', message: 'Requests from other sites are refused' };
  }
  return null;
}

export function checkToken(given: string | undefined | null, expected: string): AuthFailure | null {
  return tokensEqual(given, expected)
    ? null
    : { status: 401, code: 'unauthorized', message: 'Missing or wrong token: open the URL coffer ui printed' };
}
