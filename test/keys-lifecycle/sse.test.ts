import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalVault, RemoteVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { SSE_C_KEY } from '../../src-main/engine/vault/sse-key.ts';
import { parseSseFlag, type SseSetting } from '../../src-main/engine/vault/sse-setting.ts';
import { loadSettings } from '../../src-main/engine/journal/settings-store.ts';
import { rewrapVault } from '../../src-main/engine/vault/rewrap.ts';
import { messageKeyVersions } from '../../src-main/engine/vault/edk-versions.ts';
import { readAll } from '../../src-main/engine/store/body.ts';
import { freshRemote, sandbox, snapshot, type Sandbox } from '../engine/harness.ts';
import { s3SkipReason, s3TestConfig } from '../support/s3-env.ts';

const cfg = s3TestConfig();

function rawClient(): S3Client {
  return new S3Client({
    endpoint: cfg!.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey },
  });
}

/** s3://bucket/prefix -> bucket and the full key of a vault-relative key. */
function where(remote: string, key: string): { Bucket: string; Key: string } {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(remote)!;
  return { Bucket: m[1]!, Key: `${m[2]}/${key}` };
}

async function fill(folder: string): Promise<void> {
  await mkdir(join(folder, 'sub'), { recursive: true });
  await writeFile(join(folder, 'a.txt'), 'alpha');
  await writeFile(join(folder, 'sub/b.bin'), randomBytes(300_000));
}

async function makeVault(sb: Sandbox, sse: SseSetting) {
  const r = await freshRemote('s3', sb);
  await fill(sb.folder);
  const { vault, recoveryKey } = await LocalVault.init(sb.env, { folder: sb.folder, remote: r.remote, endpoint: r.endpoint, keyRef: 'passphrase', sse });
  const syncer = new VaultSyncer(vault);
  expect((await syncer.sync()).complete).toBe(true);
  await syncer.close();
  return { vault, recoveryKey, ...r };
}

async function firstObject(vault: LocalVault): Promise<string> {
  for await (const o of vault.store.list('objects/')) return o.key;
  throw new Error('no objects');
}

describe('--sse parsing', () => {
  it('accepts the four modes and a KMS key id, refuses anything else', () => {
    expect(parseSseFlag(undefined)).toEqual({ sse: 'none' });
    expect(parseSseFlag('c')).toEqual({ sse: 'c' });
    expect(parseSseFlag('aes256')).toEqual({ sse: 'aes256' });
    expect(parseSseFlag('aws:kms')).toEqual({ sse: 'aws:kms' });
    expect(parseSseFlag('aws:kms:testkey-1')).toEqual({ sse: 'aws:kms', sseKmsKeyId: 'testkey-1' });
    expect(() => parseSseFlag('AES-256')).toThrow(/unknown --sse "AES-256": use none, aes256/);
  });

  it('refuses SSE on a folder remote before anything is written', async () => {
    const sb = await sandbox();
    try {
      await expect(LocalVault.init(sb.env, { folder: sb.folder, remote: `file://${join(sb.root, 'remote')}`, keyRef: 'passphrase', sse: { sse: 'c' } }))
        .rejects.toThrow(/applies to S3 only/);
    } finally {
      await sb.cleanup();
    }
  });
});

describe.skipIf(!cfg)(`server-side encryption per vault on Ceph RGW${cfg ? '' : ` (skipped: ${s3SkipReason()})`}`, () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('SSE-C: syncs and restores; data objects need the customer key, the bootstrap objects do not', async () => {
    sb = await sandbox();
    const { vault, recoveryKey, remote, endpoint } = await makeVault(sb, { sse: 'c' });
    expect((await loadSettings(vault.paths.settings)).sse).toBe('c');
    const restored = join(sb.root, 'restored');
    expect((await vault.restore(restored)).problems).toEqual([]);
    expect(await snapshot(restored)).toEqual(await snapshot(sb.folder));
    const dataKey = await firstObject(vault);
    await vault.close();

    const s3 = rawClient();
    try {
      const get = s3.send(new GetObjectCommand(where(remote, dataKey)));
      await expect(get).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
      await expect(s3.send(new GetObjectCommand(where(remote, 'head')))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
      // Readable without the customer key, or nobody could bootstrap.
      for (const key of ['coffer-vault.json', 'keys/passphrase', 'keys/recovery', SSE_C_KEY]) {
        const res = await s3.send(new GetObjectCommand(where(remote, key)));
        expect((await res.Body!.transformToByteArray()).length).toBeGreaterThan(0);
      }
    } finally {
      s3.destroy();
    }

    // The same vault reopened from its settings, and a new machine with only the recovery key.
    const again = await LocalVault.open(sb.env, sb.folder);
    expect((await again.restore(join(sb.root, 'again'))).problems).toEqual([]);
    expect(await snapshot(join(sb.root, 'again'))).toEqual(await snapshot(sb.folder));
    await again.close();
    const other = await sandbox();
    try {
      const fresh = await RemoteVault.open(other.env, { remote, endpoint, recoveryKey });
      expect((await fresh.restore(join(other.root, 'out'))).problems).toEqual([]);
      expect(await snapshot(join(other.root, 'out'))).toEqual(await snapshot(sb.folder));
      await fresh.close();
    } finally {
      await other.cleanup();
    }
  });

  it('SSE-C: a missing customer key gives a clear error, naming keys/sse-c', async () => {
    sb = await sandbox();
    const { vault, remote } = await makeVault(sb, { sse: 'c' });
    await vault.close();
    const s3 = rawClient();
    await s3.send(new DeleteObjectCommand(where(remote, SSE_C_KEY)));
    s3.destroy();
    await expect(LocalVault.open(sb.env, sb.folder)).rejects.toThrow(/uses SSE-C, but its customer key \(keys\/sse-c\) is missing/);
  });

  it('SSE-C: rotate and rewrap re-seal the data objects and the customer key slot; the vault still opens and restores', async () => {
    sb = await sandbox();
    const { vault } = await makeVault(sb, { sse: 'c' });
    await vault.key.rotate();
    expect(messageKeyVersions(await readAll(await vault.slots.get(SSE_C_KEY)))).toEqual([1]);
    const report = await rewrapVault(vault);
    expect(report.objects).toBeGreaterThan(1);
    expect(messageKeyVersions(await readAll(await vault.slots.get(SSE_C_KEY)))).toEqual([2]);
    for await (const o of vault.store.list('objects/')) expect(messageKeyVersions(await readAll(await vault.store.get(o.key)))).toEqual([2]);
    await vault.close();
    const again = await LocalVault.open(sb.env, sb.folder);
    expect((await again.restore(join(sb.root, 'out'))).problems).toEqual([]);
    expect(await snapshot(join(sb.root, 'out'))).toEqual(await snapshot(sb.folder));
    await again.close();
  });

  it.each<[string, SseSetting, string]>([
    ['aes256', { sse: 'aes256' }, 'AES256'],
    ['aws:kms:testkey-1', { sse: 'aws:kms', sseKmsKeyId: 'testkey-1' }, 'aws:kms'],
  ])('%s: round-trips, and objects are stored with server-side encryption', async (_name, sse, header) => {
    sb = await sandbox();
    const { vault, remote } = await makeVault(sb, sse);
    const restored = join(sb.root, 'restored');
    expect((await vault.restore(restored)).problems).toEqual([]);
    expect(await snapshot(restored)).toEqual(await snapshot(sb.folder));
    const settings = await loadSettings(vault.paths.settings);
    expect({ sse: settings.sse, sseKmsKeyId: settings.sseKmsKeyId }).toEqual({ sse: sse.sse, sseKmsKeyId: sse.sseKmsKeyId });
    const key = await firstObject(vault);
    await vault.close();
    if (sse.sse === 'aws:kms') {
      // Ceph RGW 16 reports SSE-KMS (it accepts but does not report SSE-S3; test/store/s3-sse covers the header).
      const s3 = rawClient();
      const res = await s3.send(new HeadObjectCommand(where(remote, key)));
      s3.destroy();
      expect(res.ServerSideEncryption).toBe(header);
      expect(res.SSEKMSKeyId).toBe('testkey-1');
    }
  });
});
