import { describe, it, expect, afterEach } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { LocalVault, RemoteVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { kmsServerForThisFile } from '../support/kms-per-file.ts';
import { sandbox, snapshot, type Sandbox } from './harness.ts';

const kms = kmsServerForThisFile();

describe('a vault whose key is in AWS KMS (test server, real @aws-sdk/client-kms)', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('syncs and restores on a new machine with only the bucket and the KMS key; KMS logs show ids, never names', async () => {
    sb = await sandbox();
    const server = kms();
    const client = new KMSClient({ endpoint: server.endpoint, region: 'us-east-1' });
    const { KeyMetadata } = await client.send(new CreateKeyCommand({}));
    await client.send(new CreateAliasCommand({ AliasName: 'alias/coffer-engine-test', TargetKeyId: KeyMetadata!.KeyId! }));
    client.destroy();
    await writeFile(join(sb.folder, 'medical-records.txt'), 'private');
    const remote = `file://${join(sb.root, 'remote')}`;
    const { vault, recoveryKey } = await LocalVault.init(sb.env, { folder: sb.folder, remote, keyRef: 'aws-kms:alias/coffer-engine-test' });
    expect(recoveryKey).toBe(''); // KMS holds the key: there is no local recovery key to print
    const syncer = new VaultSyncer(vault);
    expect((await syncer.sync()).uploaded).toBe(1);
    await syncer.close();
    await vault.close();

    const fresh = await sandbox();
    try {
      const remoteVault = await RemoteVault.open(fresh.env, { remote, keyRef: 'aws-kms:alias/coffer-engine-test' });
      const out = join(fresh.root, 'out');
      expect((await remoteVault.restore(out)).problems).toEqual([]);
      expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
      await remoteVault.close();
    } finally {
      await fresh.cleanup();
    }
    const trail = await (await fetch(`${server.endpoint}/__test/trail`)).json() as { op: string; encryptionContext?: Record<string, string> }[];
    const crypto = trail.filter((t) => t.op === 'GenerateDataKey' || t.op === 'Decrypt');
    expect(crypto.length).toBeGreaterThan(2);
    for (const t of crypto) {
      expect(Object.keys(t.encryptionContext ?? {}).sort()).toEqual(['coffer:kind', 'coffer:object', 'coffer:vault']);
      expect(JSON.stringify(t.encryptionContext)).not.toMatch(/medical/);
    }
  });
});
