// The wizard's checks (use-cases/first-run-checks.ts), over real folders, a real S3 server when the
// run has one, and a loopback port nothing listens on.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFolder, testDestination } from '../../src-main/engine/use-cases/first-run-checks.ts';
import { EngineVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import { createDispatcher } from '../../src-main/ipc/dispatch.ts';
import { makeTestBucket, s3SkipReason, s3TestConfig } from '../support/s3-env.ts';
import { S3Client, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';

let root: string;
let home: string;
let folder: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'coffer-checks-'));
  home = join(root, 'home');
  folder = join(root, 'Documents');
  await mkdir(folder);
  await mkdir(home);
});
afterAll(async () => {
  await chmod(join(root, 'locked'), 0o700).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

/** A loopback port that was just free: nothing answers there. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('checkFolder', () => {
  it('accepts a readable folder and says why others cannot be protected', async () => {
    expect(await checkFolder(home, { folder })).toEqual({ ok: true, folder });
    expect(await checkFolder(home, { folder: 'Documents' })).toMatchObject({ ok: false, problem: expect.stringContaining('full path') });
    expect(await checkFolder(home, { folder: join(root, 'nope') })).toMatchObject({ ok: false, problem: `${join(root, 'nope')} does not exist. Create the folder first, or choose another.` });
    const file = join(root, 'a.txt');
    await writeFile(file, 'x');
    expect(await checkFolder(home, { folder: file })).toMatchObject({ ok: false, problem: `${file} is a file, not a folder.` });
    // The state folder inside the folder to protect would be synced.
    expect(await checkFolder(home, { folder: root })).toMatchObject({ ok: false, problem: expect.stringContaining("holds Coffer's own state folder") });
  });

  it('refuses a folder it cannot read, unless running as root', async () => {
    const locked = join(root, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o000);
    const r = await checkFolder(home, { folder: locked });
    if (process.getuid?.() === 0) expect(r.ok).toBe(true);
    else expect(r).toMatchObject({ ok: false, problem: `${locked} cannot be read: check its permissions.` });
  });

  it('lets Connect use a folder that does not exist yet, and says so', async () => {
    const fresh = join(root, 'new-device');
    const r = await checkFolder(home, { folder: fresh, purpose: 'join' });
    expect(r).toEqual({ ok: true, folder: fresh, note: `${fresh} does not exist yet: Coffer creates it and fills it from the vault.` });
    expect(await readdir(root)).not.toContain('new-device');
  });
});

describe('testDestination on a folder', () => {
  it('probes a folder that exists, leaving nothing behind', async () => {
    const dest = join(root, 'usb');
    await mkdir(dest);
    const r = await testDestination({ remote: `file://${dest}`, folder });
    expect(r).toEqual({ ok: true, message: `Connected to ${dest}: Coffer could list, write and delete there.` });
    expect(await readdir(dest)).toEqual([]);
  });

  it('accepts a folder to be made, creating nothing; refuses one inside the folder to protect', async () => {
    const later = join(root, 'later', 'coffer');
    expect(await testDestination({ remote: `file://${later}`, folder })).toMatchObject({ ok: true, message: expect.stringContaining('does not exist yet; Coffer creates it') });
    expect(await readdir(root)).not.toContain('later');
    const inside = join(folder, 'backup');
    expect(await testDestination({ remote: `file://${inside}`, folder })).toMatchObject({ ok: false, message: expect.stringContaining('inside the folder to protect') });
    expect(await testDestination({ remote: `file://${root}`, folder })).toMatchObject({ ok: false, message: expect.stringContaining('is inside the destination') });
  });

  it('finds a vault already there when creating, and none when connecting', async () => {
    const dest = join(root, 'has-vault');
    await mkdir(dest);
    await writeFile(join(dest, 'coffer-vault.json'), '{"format":"coffer-vault","version":1,"vaultId":"x"}');
    expect(await testDestination({ remote: `file://${dest}` })).toMatchObject({ ok: false, message: expect.stringContaining('already holds a Coffer vault') });
    expect((await testDestination({ remote: `file://${dest}`, purpose: 'join' })).ok).toBe(true);
    const empty = join(root, 'empty');
    await mkdir(empty);
    expect(await testDestination({ remote: `file://${empty}`, purpose: 'join' })).toMatchObject({ ok: false, message: expect.stringContaining('There is no Coffer vault') });
  });
});

describe('testDestination on S3 with nothing listening', () => {
  it('says the endpoint cannot be reached, at once and in words, through the contract', async () => {
    const port = await closedPort();
    const host = new EngineVaultHost({ home });
    const dispatch = createDispatcher({ host });
    const reply = await dispatch('testDestination', {
      remote: 's3://coffer-nowhere/vault', endpoint: `http://127.0.0.1:${port}`, region: 'eu-central-1',
      accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI-secret-never-echoed',
    });
    expect(reply.ok).toBe(true);
    const check = (reply as { value: { ok: boolean; message: string } }).value;
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(new RegExp(`^Could not reach http://127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\)\\. Check the endpoint address and port`));
    expect(JSON.stringify(reply)).not.toContain('never-echoed');
    await host.close();
  });
});

const cfg = s3TestConfig();
describe.skipIf(!cfg)(`testDestination on a real S3 server${cfg ? '' : ` (skipped: ${s3SkipReason()})`}`, () => {
  const client = () => new S3Client({
    endpoint: cfg!.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey },
  });

  it('lists, writes and deletes with the typed keys, leaving the bucket as it was', async () => {
    const bucket = await makeTestBucket();
    const r = await testDestination({ remote: `s3://${bucket}/vault`, endpoint: cfg!.endpoint, accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey });
    expect(r).toEqual({ ok: true, message: `Connected to s3://${bucket}/vault: Coffer could list, write and delete there.` });
    const c = client();
    expect((await c.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(0);
    c.destroy();
  });

  it('names refused credentials and a missing bucket, writing nothing', async () => {
    const bucket = await makeTestBucket();
    const denied = await testDestination({ remote: `s3://${bucket}`, endpoint: cfg!.endpoint, accessKeyId: cfg!.accessKeyId, secretAccessKey: 'wrong-secret' });
    expect(denied).toMatchObject({ ok: false, message: expect.stringContaining('The destination refused Coffer') });
    expect(denied.message).toContain('Check the access key and secret');
    const missing = await testDestination({ remote: 's3://coffer-test-missing-bucket', endpoint: cfg!.endpoint, accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey });
    expect(missing).toMatchObject({ ok: false, message: expect.stringContaining('The bucket does not exist') });
    const c = client();
    expect((await c.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(0);
    // A vault already there: creating is refused before any write.
    await c.send(new PutObjectCommand({ Bucket: bucket, Key: 'v/coffer-vault.json', Body: '{}' }));
    const taken = await testDestination({ remote: `s3://${bucket}/v`, endpoint: cfg!.endpoint, accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey });
    expect(taken).toMatchObject({ ok: false, message: expect.stringContaining('already holds a Coffer vault') });
    expect((await c.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(1);
    c.destroy();
  });
});
