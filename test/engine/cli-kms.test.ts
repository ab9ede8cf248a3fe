// A KMS vault through the bundled CLI (dist/cli): the KMS keyring is a lazy chunk of the bundle, and the
// Encryption SDK checks keyrings with instanceof, so the chunk must share the one bundled copy of each
// @aws-crypto package. This runs init, sync and restore on a new machine as a user would.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { kmsServerForThisFile } from '../support/kms-per-file.ts';
import { KMS_TEST_ENV } from '../support/kms-service.ts';
import { sandbox, snapshot, type Sandbox } from './harness.ts';
import { runCli } from './cli-harness.ts';

const kms = kmsServerForThisFile();

describe('coffer init --key aws-kms:… (the bundled CLI)', () => {
  const boxes: Sandbox[] = [];
  afterEach(async () => {
    for (const b of boxes.splice(0)) await b.cleanup();
  });

  it('syncs, then restores on a new machine with only the bucket and the KMS key', async () => {
    const server = kms();
    const client = new KMSClient({ endpoint: server.endpoint, region: 'us-east-1' });
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    await client.send(new CreateAliasCommand({ AliasName: 'alias/coffer-cli-test', TargetKeyId: KeyMetadata!.KeyId! }));
    client.destroy();

    const sb = await sandbox();
    boxes.push(sb);
    const kmsEnv = { ...KMS_TEST_ENV, AWS_ENDPOINT_URL_KMS: server.endpoint };
    await writeFile(join(sb.folder, 'tax-2026.txt'), 'private figures');
    const remote = `file://${join(sb.root, 'remote')}`;
    const env = { ...kmsEnv, COFFER_HOME: sb.home };
    const init = await runCli(['init', sb.folder, '--remote', remote, '--key', 'aws-kms:alias/coffer-cli-test', '--json'], env);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const sync = await runCli(['sync', sb.folder, '--json'], env);
    expect(sync.stderr).toBe('');
    expect(JSON.parse(sync.stdout)).toMatchObject({ uploaded: 1 });

    const fresh = await sandbox();
    boxes.push(fresh);
    const out = join(fresh.root, 'restored');
    const restore = await runCli(['restore', '--remote', remote, '--key', 'aws-kms:alias/coffer-cli-test', '--to', out], { ...kmsEnv, COFFER_HOME: fresh.home });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
  });
});
