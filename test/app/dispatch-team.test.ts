// The devices-and-teams commands through the one dispatcher: validated arguments in, shaped results out,
// bad input refused before the engine sees it.
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src-main/ipc/dispatch.ts';
import { EventRelay } from '../../src-main/ipc/event-relay.ts';
import type { IpcEnvelope } from '../../src-main/ipc/contract.ts';
import { fakeHost, sampleTeam } from './fake-host.ts';

function errorOf(env: IpcEnvelope): { code: string; message: string } {
  if (env.ok) throw new Error(`expected an error, got ${JSON.stringify(env.value)}`);
  return env.error;
}

const JOIN = { folder: '/home/ann/Docs', remote: 's3://team-bucket/docs', endpoint: 'http://127.0.0.1:7480', allowHttp: true };

describe('dispatch: team commands', () => {
  it.each([
    ['team', {}, 'team', []],
    ['invite', { name: 'Bea', role: 'writer', expiresDays: 3 }, 'invite', [{ name: 'Bea', role: 'writer', expiresDays: 3 }]],
    ['invite', { name: 'Cem', role: 'reader', publicKey: 'coffer-id1:abc' }, 'invite', [{ name: 'Cem', role: 'reader', publicKey: 'coffer-id1:abc' }]],
    ['removeMember', { member: 'Bea' }, 'removeMember', ['Bea']],
    ['setMemberRole', { member: 'm-bea', role: 'admin' }, 'setMemberRole', ['m-bea', 'admin']],
    ['removeDevice', { device: 'old laptop' }, 'removeDevice', ['old laptop']],
    ['reencrypt', {}, 'reencrypt', []],
    ['conflicts', {}, 'conflicts', []],
  ])('%s calls the service with %j', async (command, payload, method, args) => {
    const host = fakeHost();
    const env = await createDispatcher({ host })(command, payload);
    expect(env.ok, JSON.stringify(env)).toBe(true);
    expect(host.calls).toEqual([{ method, args }]);
  });

  it('returns the team after a removal, so the view shows the new generation at once', async () => {
    const host = fakeHost();
    host.override('removeMember', async () => ({ ...sampleTeam(), generation: 3 }));
    const env = await createDispatcher({ host })('removeMember', { member: 'Bea' });
    expect(env.ok && (env.value as { generation: number }).generation).toBe(3);
  });

  it.each([
    ['an unknown role', 'invite', { name: 'Bea', role: 'owner' }],
    ['an empty name', 'invite', { name: '', role: 'writer' }],
    ['a name with a control character', 'invite', { name: 'Bea\u0007', role: 'writer' }],
    ['a name over 128 characters', 'invite', { name: 'B'.repeat(129), role: 'writer' }],
    ['an expiry of 0 days', 'invite', { name: 'Bea', role: 'writer', expiresDays: 0 }],
    ['an expiry over 90 days', 'invite', { name: 'Bea', role: 'writer', expiresDays: 365 }],
    ['an extra field', 'invite', { name: 'Bea', role: 'admin', grantAll: true }],
    ['an empty member', 'removeMember', { member: '' }],
    ['a missing member', 'removeMember', {}],
    ['a role that is not a role', 'setMemberRole', { member: 'Bea', role: 'root' }],
    ['a device that is a number', 'removeDevice', { device: 7 }],
    ['arguments to team', 'team', { all: true }],
    ['a limit on conflicts', 'conflicts', { limit: 5 }],
  ])('refuses %s (%s)', async (_label, command, payload) => {
    const host = fakeHost();
    const err = errorOf(await createDispatcher({ host })(command, payload));
    expect(err.code).toBe('invalid-request');
    expect(err.message).toContain(command);
    expect(host.calls).toHaveLength(0);
  });

  it('strips what the contract does not list from a team result (no key material crosses)', async () => {
    const host = fakeHost();
    host.override('team', async () => ({
      ...sampleTeam(),
      identity: 'AGE-SECRET-KEY-1QQQ',
      members: sampleTeam().members.map((m) => ({ ...m, signKey: 'base64url-public-key', slot: 'c2VjcmV0' })),
    }));
    const env = await createDispatcher({ host })('team', {});
    expect(env.ok).toBe(true);
    expect(JSON.stringify(env)).not.toMatch(/AGE-SECRET|signKey|slot/);
    expect(env.ok && env.value).toEqual(sampleTeam());
  });

  it('refuses to forward a team result that breaks the contract', async () => {
    const host = fakeHost();
    host.override('team', async () => ({ ...sampleTeam(), members: [{ id: 'x', name: 'X', role: 'owner' }] }));
    expect(errorOf(await createDispatcher({ host })('team', {})).code).toBe('internal');
  });

  it('passes member and device names in history entries', async () => {
    const host = fakeHost();
    const entry = { time: '2026-01-02T00:00:00.000Z', action: 'pull', path: 'a.txt', member: 'm-bea', device: 'd-2', memberName: 'Bea', deviceName: 'bea-pc' };
    host.override('history', async () => ({ entries: [{ ...entry, internal: 1 }], total: 1 }));
    const env = await createDispatcher({ host })('history', { actions: ['pull', 'conflict'] });
    expect(env).toEqual({ ok: true, value: { entries: [entry], total: 1 } });
  });
});

describe('dispatch: joinVault', () => {
  it('joins with a key reference before any vault exists, and hands over the new service', async () => {
    const host = fakeHost({ configured: false });
    const attached: unknown[] = [];
    const dispatch = createDispatcher({ host, onVaultCreated: (svc) => attached.push(svc) });
    const req = { ...JOIN, keyRef: 'passphrase', passphrase: 'correct horse battery', deviceName: 'ann-desktop' };
    const env = await dispatch('joinVault', req);
    expect(env).toEqual({ ok: true, value: { pulled: 4, conflicts: [] } });
    expect(host.calls).toEqual([{ method: 'joinVault', args: [req] }]);
    expect(attached).toHaveLength(1);
    expect((await dispatch('status', {})).ok).toBe(true);
    // One vault per app: a second join (or create) is refused.
    expect(errorOf(await dispatch('joinVault', req)).code).toBe('invalid-request');
  });

  it('joins with the recovery key and a place to keep the key, and never echoes the recovery key', async () => {
    const host = fakeHost({ configured: false });
    const env = await createDispatcher({ host })('joinVault', { ...JOIN, recoveryKey: 'RK-1234-5678', saveKeyRef: 'keychain:coffer' });
    expect(env.ok).toBe(true);
    expect(JSON.stringify(env)).not.toContain('RK-1234');
  });

  it.each([
    ['both a key reference and the recovery key', { ...JOIN, keyRef: 'passphrase', recoveryKey: 'RK' }],
    ['neither a key reference nor the recovery key', { ...JOIN }],
    ['a remote that is not s3:// or file:///', { ...JOIN, remote: 'https://evil.example/x', keyRef: 'passphrase' }],
    ['an unknown key provider', { ...JOIN, keyRef: 'gpg:me' }],
    ['an unknown place to keep the key', { ...JOIN, recoveryKey: 'RK', saveKeyRef: 'clipboard' }],
    ['a device name with a newline', { ...JOIN, keyRef: 'passphrase', deviceName: 'pc\nrm -rf' }],
    ['a missing folder', { remote: 's3://b', keyRef: 'passphrase' }],
    ['an extra field', { ...JOIN, keyRef: 'passphrase', overwrite: true }],
  ])('refuses %s', async (_label, payload) => {
    const host = fakeHost({ configured: false });
    const err = errorOf(await createDispatcher({ host })('joinVault', payload));
    expect(err.code).toBe('invalid-request');
    expect(host.calls).toHaveLength(0);
  });
});

describe('dispatch: joinTeam', () => {
  const CODE = 'coffer-join1:eyJ2YXVsdElkIjoidi0xIn0.c2lnbmF0dXJl';

  it('joins with a join code before any vault exists, and answers with the member id only', async () => {
    const host = fakeHost({ configured: false });
    const attached: unknown[] = [];
    const dispatch = createDispatcher({ host, onVaultCreated: (svc) => attached.push(svc) });
    const env = await dispatch('joinTeam', { code: CODE, folder: '/home/bea/Studio', deviceName: 'bea-studio' });
    expect(env).toEqual({ ok: true, value: { memberId: 'm-bea' } });
    expect(host.calls).toEqual([{ method: 'joinTeam', args: [{ code: CODE, folder: '/home/bea/Studio', deviceName: 'bea-studio' }] }]);
    expect(attached).toHaveLength(1);
    expect(errorOf(await dispatch('joinTeam', { code: CODE, folder: '/x' })).code).toBe('invalid-request');
  });

  it.each([
    ['a code of another kind', { code: 'coffer-id1:abc.def', folder: '/f' }],
    ['a code with spaces inside', { code: 'coffer-join1:abc def.ghi', folder: '/f' }],
    ['a code without its signature', { code: 'coffer-join1:abc', folder: '/f' }],
    ['a code over 16 KiB', { code: `coffer-join1:${'a'.repeat(17_000)}.b`, folder: '/f' }],
    ['no folder', { code: CODE }],
    ['a remote (the code names the vault)', { code: CODE, folder: '/f', remote: 's3://other' }],
  ])('refuses %s', async (_label, payload) => {
    const host = fakeHost({ configured: false });
    expect(errorOf(await createDispatcher({ host })('joinTeam', payload)).code).toBe('invalid-request');
    expect(host.calls).toHaveLength(0);
  });
});

describe('EventRelay: re-encryption progress', () => {
  it('forwards reencrypt events and drops a malformed one', () => {
    const host = fakeHost();
    const relay = new EventRelay();
    const got: unknown[] = [];
    relay.listen((e) => got.push(e));
    relay.attach(host.service());
    host.emit({ type: 'reencrypt', progress: { generation: 3, percent: 42.5, objectsTotal: 200, objectsDone: 85 } });
    host.emit({ type: 'reencrypt', progress: { generation: 3, percent: 140, objectsTotal: 1, objectsDone: 1 } });
    expect(got).toEqual([{ type: 'reencrypt', progress: { generation: 3, percent: 42.5, objectsTotal: 200, objectsDone: 85 } }]);
    relay.close();
  });
});
