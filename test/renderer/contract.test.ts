import { describe, expect, it } from 'vitest';
import { ApiError, commandNames, commands, ErrorCode, HTTP_STATUS, isCommandName, toApiError } from '../../src-main/ipc/contract.ts';
import { FakeTransport } from './fake-transport.ts';
import { key, status } from './fixtures.ts';

describe('contract client', () => {
  it('rejects a bad request before it reaches the transport', async () => {
    const t = new FakeTransport().on('scheduleKeyDeletion', () => key());
    await expect(t.client().scheduleKeyDeletion({ ref: 'keychain:work', days: 3, force: false })).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(t.client().versions({ path: 'a', extra: 1 } as never)).rejects.toMatchObject({ code: 'invalid-request' });
    expect(t.calls).toHaveLength(0);
  });

  it('rejects an oversized path', async () => {
    const t = new FakeTransport().on('versions', () => []);
    await expect(t.client().versions({ path: 'x'.repeat(5000) })).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('rejects a response that does not match the schema', async () => {
    const t = new FakeTransport().on('status', () => ({ state: 'fine' }));
    const err = await t.client().status().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('internal');
    expect((err as ApiError).message).toMatch(/status: unexpected response/);
  });

  it('strips fields the contract does not list from responses', async () => {
    const t = new FakeTransport().on('keys', () => [{ ...key(), secretMaterial: 'AAAA' }]);
    const [k] = await t.client().keys();
    expect(k).toEqual(key());
    expect(Object.keys(k ?? {})).not.toContain('secretMaterial');
  });

  it('keeps a transport error\'s code and message', async () => {
    const t = new FakeTransport().fail('syncNow', 'store-error', 'S3 is unreachable');
    await expect(t.client().syncNow()).rejects.toMatchObject({ code: 'store-error', message: 'S3 is unreachable' });
  });

  it('maps void responses (null over HTTP) to undefined and sends {} for argument-less calls', async () => {
    const t = new FakeTransport().on('pause', () => null);
    await expect(t.client().pause()).resolves.toBeUndefined();
    expect(t.callsOf('pause')).toEqual([{}]);
  });

  it('passes valid events and drops malformed ones', () => {
    const t = new FakeTransport();
    const seen: unknown[] = [];
    const stop = t.client().subscribe((e) => seen.push(e));
    t.emit({ type: 'status', status: status() });
    t.emit({ type: 'status', status: { state: 'bogus' } });
    t.emit({ type: 'nope' });
    stop();
    t.emit({ type: 'status', status: status() });
    expect(seen).toEqual([{ type: 'status', status: status() }]);
  });

  it('the client offers exactly the contract\'s commands, each refusing a field it does not know', () => {
    const client = new FakeTransport().client() as unknown as Record<string, unknown>;
    expect(Object.keys(client).filter((k) => k !== 'subscribe').sort()).toEqual([...commandNames].sort());
    for (const name of commandNames) {
      expect(typeof client[name], name).toBe('function');
      expect(commands[name].request.safeParse({ unexpected: 1 }).success, `${name} accepted an unknown field`).toBe(false);
    }
    expect(isCommandName('status')).toBe(true);
    expect(isCommandName('toString')).toBe(false);
  });

  it('gives every error code an HTTP error status', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ErrorCode.options].sort());
    for (const [code, s] of Object.entries(HTTP_STATUS)) expect(s >= 400 && s < 600, `${code} -> ${s}`).toBe(true);
  });

  it('turns unknown rejections into internal errors', () => {
    expect(toApiError(new Error('boom'))).toMatchObject({ code: 'internal', message: 'boom' });
    expect(toApiError({ code: 'not-configured', message: 'no vault' })).toMatchObject({ code: 'not-configured' });
  });

  it('validates createVault requests: remote, key ref and endpoint', () => {
    const ok = commands.createVault.request.safeParse({ folder: '/f', remote: 's3://b/p', keyRef: 'keychain:x', endpoint: 'http://127.0.0.1:9000' });
    expect(ok.success).toBe(true);
    expect(commands.createVault.request.safeParse({ folder: '/f', remote: 'ftp://x', keyRef: 'keychain:x' }).success).toBe(false);
    expect(commands.createVault.request.safeParse({ folder: '/f', remote: 'file:///d', keyRef: 'gpg:x' }).success).toBe(false);
  });
});
