import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src-main/ipc/dispatch.ts';
import { EventRelay } from '../../src-main/ipc/event-relay.ts';
import { scrubMessage } from '../../src-main/ipc/errors.ts';
import { KeyUnavailableError } from '../../src-main/engine/ports/key-provider.ts';
import { KeyUsageError } from '../../src-main/engine/keys/key-errors.ts';
import { AccessDeniedError, TransientStoreError } from '../../src-main/engine/ports/store-errors.ts';
import type { IpcEnvelope } from '../../src-main/ipc/contract.ts';
import { fakeHost, sampleStatus } from './fake-host.ts';

function errorOf(env: IpcEnvelope): { code: string; message: string } {
  if (env.ok) throw new Error(`expected an error, got ${JSON.stringify(env.value)}`);
  return env.error;
}

describe('dispatch', () => {
  it('calls the engine with the validated arguments and returns its result', async () => {
    const host = fakeHost();
    const dispatch = createDispatcher({ host });
    const env = await dispatch('scheduleKeyDeletion', { ref: 'keychain:work', days: 7, force: false });
    expect(env.ok).toBe(true);
    expect(host.calls.at(-1)).toEqual({ method: 'scheduleKeyDeletion', args: ['keychain:work', 7, false] });
    expect(env.ok && (env.value as { state: string }).state).toBe('pending-deletion');
  });

  it('treats an absent payload as "no arguments"', async () => {
    const dispatch = createDispatcher({ host: fakeHost() });
    const env = await dispatch('status', undefined);
    expect(env).toEqual({ ok: true, value: sampleStatus() });
  });

  it.each([['nope'], ['__proto__'], ['constructor'], ['toString'], [42], [null]])('rejects unknown command %s', async (name) => {
    const host = fakeHost();
    const env = await createDispatcher({ host })(name, {});
    expect(errorOf(env).code).toBe('not-found');
    expect(host.calls).toHaveLength(0);
  });

  it.each([
    ['wrong type', 'bytesPerDay', { days: '7' }],
    ['out of range', 'bytesPerDay', { days: 10_000 }],
    ['extra field', 'rotateKey', { ref: 'keychain:work', admin: true }],
    ['extra field on an empty request', 'status', { x: 1 }],
    ['missing field', 'restoreCopy', { path: 'a.txt' }],
    ['oversized string', 'versions', { path: 'x'.repeat(5000) }],
    ['oversized key ref', 'rotateKey', { ref: 'k'.repeat(300) }],
    ['not an object', 'history', 'limit=5'],
    ['array payload', 'status', []],
    ['deletion window outside 7-30 days', 'scheduleKeyDeletion', { ref: 'keychain:work', days: 1, force: false }],
    ['bad remote', 'createVault', { folder: '/f', remote: 'http://evil', keyRef: 'passphrase' }],
    ['settings patch with unknown key', 'updateSettings', { patch: { folder: '/f', shell: 'rm -rf /' } }],
  ])('rejects a bad payload: %s', async (_label, command, payload) => {
    const host = fakeHost({ configured: true });
    const env = await createDispatcher({ host })(command, payload);
    const err = errorOf(env);
    expect(err.code).toBe('invalid-request');
    expect(err.message).toContain(command);
    expect(host.calls).toHaveLength(0);
  });

  it.each([
    ['KeyUnavailableError', new KeyUnavailableError('key is pending deletion'), 'key-unavailable'],
    ['KeyUsageError (a refused key reference)', new KeyUsageError('unknown key reference "x:y"'), 'invalid-request'],
    ['AccessDeniedError', new AccessDeniedError('credentials refused'), 'store-error'],
    ['TransientStoreError', new TransientStoreError('SlowDown'), 'store-error'],
    ['plain Error', new Error('boom'), 'internal'],
    ['a thrown string', 'just a string', 'internal'],
    ['ENOENT', Object.assign(new Error('no such file'), { code: 'ENOENT' }), 'not-found'],
  ])('maps an engine %s to its code', async (_label, thrown, code) => {
    const host = fakeHost();
    host.failNext('syncNow', thrown);
    const err = errorOf(await createDispatcher({ host })('syncNow', {}));
    expect(err.code).toBe(code);
    expect(Object.keys(err).sort()).toEqual(['code', 'message']);
    expect(err.message.length).toBeGreaterThan(0);
  });

  it('never sends a stack trace, an internal path or key-like material', async () => {
    const host = fakeHost();
    const secret = '9KJL2DXtIgXAcOJC4l1q/bCZjBu8Z0NUtUx8rxyJA2g='; // 32 random bytes, fixed for a stable test
    const err = new Error(`unwrap failed for ${secret} at /opt/coffer/dist/src-main/engine/x.js:3\n    at foo (/opt/coffer/dist/a.js:1:1)`);
    host.failNext('keys', err);
    const shaped = errorOf(await createDispatcher({ host, internalRoots: ['/opt/coffer'] })('keys', {}));
    expect(shaped.message).not.toContain(secret);
    expect(shaped.message).not.toContain('/opt/coffer');
    expect(shaped.message).not.toMatch(/\n|\bat foo\b/);
    expect(shaped.message).toContain('unwrap failed');
  });

  it('redacts base64 and long hex secrets but keeps object keys and long user paths', () => {
    const b64 = '9ChgBdAM4rqA09qELi4HFGzKDeR4NuSfIF4LWAZ5k3M'; // 32 random bytes, base64url
    const hex = 'ab'.repeat(32);
    const m = scrubMessage(`key ${b64} or ${hex} failed for objects/7a/7af46a8c0b0c33faa2225ecf7b53ba0c in /home/ann/Documents/quarterly-reports-archive-2026`, []);
    expect(m).not.toContain(b64);
    expect(m).not.toContain(hex);
    expect(m).toContain('objects/7a/7af46a8c0b0c33faa2225ecf7b53ba0c');
    expect(m).toContain('/home/ann/Documents/quarterly-reports-archive-2026');
  });

  it('keeps the user\'s own paths in messages but hides node_modules paths', () => {
    const m = scrubMessage('cannot read /home/ann/Documents/a.txt via /usr/lib/coffer/node_modules/x/index.js', []);
    expect(m).toContain('/home/ann/Documents/a.txt');
    expect(m).not.toContain('node_modules');
  });

  it('strips fields the contract does not define from results', async () => {
    const host = fakeHost();
    host.override('status', async () => ({ ...sampleStatus(), dataKey: 'c2VjcmV0' }));
    const env = await createDispatcher({ host })('status', {});
    expect(env.ok).toBe(true);
    expect(env.ok && Object.keys(env.value as object)).not.toContain('dataKey');
  });

  it('refuses to forward a result that breaks the contract', async () => {
    const host = fakeHost();
    host.override('keys', async () => [{ ref: 'k', provider: 'telepathy' }]);
    const err = errorOf(await createDispatcher({ host })('keys', {}));
    expect(err.code).toBe('internal');
    expect(err.message).not.toContain('telepathy');
  });

  it('answers not-configured before the first vault exists, and createVault hands over the new service', async () => {
    const host = fakeHost({ configured: false });
    const created: unknown[] = [];
    const dispatch = createDispatcher({ host, onVaultCreated: (svc) => created.push(svc) });
    expect(errorOf(await dispatch('status', {})).code).toBe('not-configured');
    const env = await dispatch('createVault', { folder: '/home/ann/Docs', remote: 'file:///mnt/backup', keyRef: 'passphrase', passphrase: 'correct horse' });
    expect(env).toEqual({ ok: true, value: { recoveryKey: 'RECOVERY-KEY-1234', vaultId: 'v-1', remote: 's3://bucket/docs' } });
    expect(created).toHaveLength(1);
    expect((await dispatch('status', {})).ok).toBe(true);
    expect(errorOf(await dispatch('createVault', { folder: '/x', remote: 'file:///y', keyRef: 'passphrase' })).code).toBe('invalid-request');
  });

  it('confirmRecoverySaved calls the host hook and returns no value', async () => {
    let saved = 0;
    const env = await createDispatcher({ host: fakeHost(), onRecoverySaved: async () => void saved++ })('confirmRecoverySaved', {});
    expect(env).toEqual({ ok: true, value: undefined });
    expect(saved).toBe(1);
  });
});

describe('EventRelay', () => {
  it('forwards valid events, drops malformed ones, strips unknown fields and follows a new service', async () => {
    const host = fakeHost();
    const relay = new EventRelay();
    const got: unknown[] = [];
    relay.listen((e) => got.push(e));
    relay.attach(host.service());
    host.emit({ type: 'progress', progress: { filesDone: 1, filesTotal: 2, bytesDone: 3, bytesTotal: 4 }, secret: 'x' });
    host.emit({ type: 'progress', progress: { filesDone: -1 } });
    host.emit({ type: 'bogus' });
    expect(got).toEqual([{ type: 'progress', progress: { filesDone: 1, filesTotal: 2, bytesDone: 3, bytesTotal: 4 } }]);
    relay.attach(null);
    host.emit({ type: 'status', status: sampleStatus() });
    expect(got).toHaveLength(1);
    relay.close();
    expect(relay.listenerCount).toBe(0);
  });
});
