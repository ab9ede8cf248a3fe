// The team commands over `coffer ui`'s HTTP protocol: 200 with the shaped result, 400 for bad input,
// and re-encryption progress on the event stream.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiServer, type UiServer } from '../../src-main/ui-server/server.ts';
import { fakeHost, sampleTeam, type FakeHost } from '../app/fake-host.ts';
import { raw, sse } from './http-client.ts';

let root: string;
let host: FakeHost;
let server: UiServer;

const api = (command: string, body: unknown = {}) =>
  raw(server.port, {
    method: 'POST', path: `/api/${command}`, body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-coffer-token': server.token },
  });

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'coffer-ui-team-'));
  await mkdir(path.join(root, 'static'));
  await writeFile(path.join(root, 'static', 'index.html'), '<!doctype html><title>Coffer</title>');
  host = fakeHost();
  server = await startUiServer({ host, staticDir: path.join(root, 'static') });
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('team over HTTP', () => {
  it('answers team and invite with 200', async () => {
    const team = await api('team');
    expect(team.status).toBe(200);
    expect(team.json()).toEqual(sampleTeam());
    const invite = await api('invite', { name: 'Bea', role: 'writer' });
    expect(invite.status).toBe(200);
    expect(invite.json()).toMatchObject({ memberId: 'm-bea', code: expect.stringMatching(/^coffer-join1:/) });
  });

  it.each([
    ['invite', { name: 'Bea', role: 'superuser' }],
    ['setMemberRole', { member: 'Bea' }],
    ['removeDevice', { device: '' }],
    ['joinVault', { folder: '/f', remote: 's3://b', keyRef: 'passphrase', recoveryKey: 'RK' }],
  ])('answers 400 invalid-request to a bad %s', async (command, body) => {
    const before = host.calls.length;
    const res = await api(command, body);
    expect(res.status).toBe(400);
    expect((res.json() as { error: { code: string } }).error.code).toBe('invalid-request');
    expect(host.calls.length).toBe(before);
  });

  it('streams re-encryption progress as events', async () => {
    const stream = sse(server.port, `/api/events?token=${server.token}`);
    expect(await stream.status).toBe(200);
    const next = stream.next(1);
    // The relay subscribes when the stream opens; emit until the listener is there (no sleeping on a guess).
    const progress = { generation: 2, percent: 50, objectsTotal: 8, objectsDone: 4 };
    const timer = setInterval(() => host.emit({ type: 'reencrypt', progress }), 20);
    try {
      expect((await next)[0]).toEqual({ type: 'reencrypt', progress });
    } finally {
      clearInterval(timer);
      stream.close();
    }
  });
});
