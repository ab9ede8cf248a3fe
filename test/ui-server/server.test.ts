// `coffer ui` security and protocol, against a real server on loopback and a fake engine.
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiServer, type UiServer } from '../../src-main/ui-server/server.ts';
import { KeyUnavailableError } from '../../src-main/engine/ports/key-provider.ts';
import { fakeHost, sampleStatus, type FakeHost } from '../app/fake-host.ts';
import { raw, sse } from './http-client.ts';

let root: string;
let staticDir: string;
let host: FakeHost;
let server: UiServer;
let port: number;
let token: string;

const api = (command: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  raw(port, {
    method: 'POST', path: `/api/${command}`, body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-coffer-token': token, ...headers },
  });

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'coffer-ui-'));
  staticDir = path.join(root, 'dist-renderer');
  await mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Coffer</title>');
  await writeFile(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(staticDir, 'assets', 'data.bin'), 'x');
  await writeFile(path.join(root, 'secret.txt'), 'TOP SECRET');
  await symlink(path.join(root, 'secret.txt'), path.join(staticDir, 'assets', 'link.txt'));
  host = fakeHost();
  server = await startUiServer({ host, staticDir });
  ({ port, token } = server);
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('startUiServer', () => {
  it('prints a loopback URL with a fresh 32-byte base64url token in the fragment', async () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.url).toBe(`http://127.0.0.1:${port}/#token=${token}`);
    const other = await startUiServer({ host: fakeHost(), staticDir });
    expect(other.token).not.toBe(token);
    await other.close();
  });
});

describe('token', () => {
  it('answers the right token', async () => {
    const res = await api('status');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(sampleStatus());
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { 'x-coffer-token': 'A'.repeat(43) }],
    ['a prefix of the token', { 'x-coffer-token': 'T' }],
  ])('refuses %s with 401 and a JSON error', async (_label, headers) => {
    const before = host.calls.length;
    const res = await raw(port, { method: 'POST', path: '/api/status', body: '{}', headers: { 'content-type': 'application/json', ...headers } });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect((res.json() as { error: { code: string } }).error.code).toBe('unauthorized');
    expect(host.calls.length).toBe(before);
  });

  it('accepts the query token only for the event stream', async () => {
    const res = await raw(port, { method: 'POST', path: `/api/status?token=${token}`, body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
  });
});

describe('Host and Origin', () => {
  it.each([
    ['a rebinding name', 'evil.example'],
    ['a rebinding name with our port', 'evil.example:PORT'],
    ['another port', '127.0.0.1:1'],
    ['no port', 'localhost'],
  ])('refuses %s, for the API and for static files', async (_label, h) => {
    const hostHeader = h.replace('PORT', String(port));
    const apiRes = await api('status', {}, { host: hostHeader });
    expect(apiRes.status).toBe(403);
    expect((apiRes.json() as { error: { code: string } }).error.code).toBe('forbidden');
    const page = await raw(port, { path: '/', headers: { host: hostHeader } });
    expect(page.status).toBe(403);
    expect(page.body).not.toContain('Coffer</title>');
  });

  it('answers localhost:<port> as well as 127.0.0.1:<port>', async () => {
    expect((await api('status', {}, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe(200);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a null origin', 'null'],
    ['our host over https', `https://127.0.0.1:PORT`],
    ['another loopback port', 'http://127.0.0.1:1'],
    ['the other loopback name', 'http://localhost:PORT'],
  ])('refuses an Origin from %s even with the token', async (_label, o) => {
    const res = await api('status', {}, { origin: o.replace('PORT', String(port)) });
    expect(res.status).toBe(403);
  });

  it('accepts its own Origin', async () => {
    expect((await api('status', {}, { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });
});

describe('commands', () => {
  it('maps contract errors to HTTP statuses with { error: { code, message } }', async () => {
    const unknown = await api('launchMissiles');
    expect(unknown.status).toBe(404);
    const bad = await api('bytesPerDay', { days: 'many' });
    expect(bad.status).toBe(400);
    expect((bad.json() as { error: { code: string } }).error.code).toBe('invalid-request');
    host.failNext('rotateKey', new KeyUnavailableError('key is pending deletion'));
    const locked = await api('rotateKey', { ref: 'keychain:work' });
    expect(locked.status).toBe(423);
    expect(locked.json()).toEqual({ error: { code: 'key-unavailable', message: 'key is pending deletion' } });
  });

  it('answers void commands with null', async () => {
    const res = await api('pause');
    expect(res.status).toBe(200);
    expect(res.body).toBe('null');
  });

  it('refuses non-JSON, non-POST and oversized bodies', async () => {
    const form = await raw(port, { method: 'POST', path: '/api/status', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-coffer-token': token } });
    expect(form.status).toBe(415);
    const get = await raw(port, { path: '/api/status', headers: { 'x-coffer-token': token } });
    expect(get.status).toBe(405);
    const broken = await raw(port, { method: 'POST', path: '/api/status', body: '{', headers: { 'content-type': 'application/json', 'x-coffer-token': token } });
    expect(broken.status).toBe(400);
    const big = await api('versions', { path: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
  });
});

describe('static files', () => {
  it('serves the renderer with its MIME type and the security headers', async () => {
    const page = await raw(port, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Coffer</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect((await raw(port, { path: '/assets/app.js' })).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await raw(port, { path: '/assets/data.bin' })).headers['content-type']).toBe('application/octet-stream');
  });

  it.each([
    '/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt', '/assets/link.txt', '/assets%00/app.js', '/%E0%A4%A', '/assets', '/missing.html',
  ])('serves nothing outside the renderer directory: %s', async (p) => {
    const res = await raw(port, { path: p });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('TOP SECRET');
  });
});

describe('events', () => {
  it('streams validated engine events to a client with the token, and refuses one without', async () => {
    expect(await sse(port, '/api/events').status).toBe(401);
    expect(await sse(port, '/api/events?token=wrong-token-wrong-token').status).toBe(401);
    expect(await sse(port, `/api/events?token=${token}`, { origin: 'https://evil.example' }).status).toBe(403);
    const stream = sse(port, `/api/events?token=${encodeURIComponent(token)}`);
    expect(await stream.status).toBe(200);
    host.emit({ type: 'bogus' });
    host.emit({ type: 'progress', progress: { filesDone: 1, filesTotal: 2, bytesDone: 3, bytesTotal: 4 }, key: 'x' });
    expect(await stream.next(1)).toEqual([{ type: 'progress', progress: { filesDone: 1, filesTotal: 2, bytesDone: 3, bytesTotal: 4 } }]);
    stream.close();
  });

  it('close() ends open streams', async () => {
    const s2 = await startUiServer({ host: fakeHost(), staticDir });
    const stream = sse(s2.port, `/api/events?token=${s2.token}`);
    expect(await stream.status).toBe(200);
    await s2.close();
    await stream.ended;
  });
});
