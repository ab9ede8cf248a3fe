// S3 access keys typed in the wizard: saved on this machine only (mode 0600, never in settings.json),
// and what the vault opens with afterwards, without any AWS_* variable or profile.
import { describe, it, expect, afterEach } from 'vitest';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import { vaultPaths } from '../../src-main/engine/vault/state-dir.ts';
import { loadS3Credentials, S3_CREDENTIALS_FILE } from '../../src-main/engine/vault/s3-credentials.ts';
import { createDispatcher } from '../../src-main/ipc/dispatch.ts';
import { makeTestBucket, s3SkipReason, s3TestConfig } from '../support/s3-env.ts';
import { sandbox, type Sandbox } from '../engine/harness.ts';

const AWS_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_REGION'] as const;

describe('S3 credentials given to createVault', () => {
  let sb: Sandbox;
  const saved: Partial<Record<string, string>> = {};
  afterEach(async () => {
    for (const k of AWS_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await sb?.cleanup();
  });

  it('refuses an access key id without its secret, before anything is made', async () => {
    sb = await sandbox();
    const host = new EngineVaultHost(sb.env);
    const reply = await createDispatcher({ host })('createVault', {
      folder: sb.folder, remote: 's3://some-bucket/v', keyRef: 'passphrase', passphrase: 'correct horse battery', accessKeyId: 'AKIDONLY',
    });
    expect(reply).toEqual({ ok: false, error: { code: 'invalid-request', message: 'createVault: accessKeyId: give both the access key id and the secret, or neither' } });
    expect(host.service()).toBeNull();
  });

  it('finds a damaged credentials file by name, without printing what it holds', async () => {
    sb = await sandbox();
    await writeFile(join(sb.root, S3_CREDENTIALS_FILE), '{"version":1,"accessKeyId":"AKID","secretAccessKey":""}');
    const err = await loadS3Credentials(sb.root).catch((e: Error) => e);
    expect(String(err)).toContain(`${join(sb.root, S3_CREDENTIALS_FILE)} is not a valid S3 credentials file`);
    expect(String(err)).not.toContain('AKID');
    expect(await loadS3Credentials(sb.folder)).toBeUndefined();
  });

  const cfg = s3TestConfig();
  it.skipIf(!cfg)(`saves them 0600 beside the settings and opens the vault with them alone${cfg ? '' : ` (skipped: ${s3SkipReason()})`}`, async () => {
    sb = await sandbox();
    const bucket = await makeTestBucket();
    for (const k of AWS_VARS) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const host = new EngineVaultHost(sb.env);
    await host.createVault({
      folder: sb.folder, remote: `s3://${bucket}/v`, endpoint: cfg!.endpoint, region: 'us-east-1', keyRef: 'passphrase',
      passphrase: 'correct horse', accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey,
    });
    await host.service()!.syncNow();
    const { vaultId, files } = await host.service()!.status();
    expect(files).toBe(1);
    await host.close();

    const dir = vaultPaths(sb.home, vaultId).dir;
    const file = join(dir, S3_CREDENTIALS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey });
    const settings = await readFile(join(dir, 'settings.json'), 'utf8');
    expect(settings).not.toContain(cfg!.secretAccessKey);
    expect(JSON.parse(settings)).toMatchObject({ region: 'us-east-1', version: 6 });

    // A new host (the app started again): no AWS_* in the environment, the saved keys open the bucket.
    const again = new EngineVaultHost(sb.env);
    await again.openExisting();
    expect((await again.service()!.status()).files).toBe(1);
    await writeFile(join(sb.folder, 'b.txt'), 'bravo');
    await again.service()!.syncNow();
    expect((await again.service()!.status()).files).toBe(2);
    await again.close();
  });
});
