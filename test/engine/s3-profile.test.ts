import { describe, it, expect, afterEach } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault, RemoteVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { sandbox, snapshot, type Sandbox } from './harness.ts';
import { makeTestBucket, s3TestConfig, s3SkipReason } from '../support/s3-env.ts';

const cfg = s3TestConfig();

describe.skipIf(!cfg)(`an AWS profile chosen for the vault (Ceph RGW)${cfg ? '' : ` (skipped: ${s3SkipReason()})`}`, () => {
  let sb: Sandbox;
  const saved = { ...process.env };
  afterEach(async () => {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_PROFILE']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await sb?.cleanup();
  });

  it('signs with the named profile from the shared credentials file, saved with the vault', async () => {
    sb = await sandbox();
    const bucket = await makeTestBucket();
    const creds = join(sb.root, 'credentials');
    await writeFile(creds, `[coffer-backup]\naws_access_key_id = ${cfg!.accessKeyId}\naws_secret_access_key = ${cfg!.secretAccessKey}\n`);
    await writeFile(join(sb.root, 'config'), '');
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_PROFILE;
    process.env.AWS_SHARED_CREDENTIALS_FILE = creds;
    process.env.AWS_CONFIG_FILE = join(sb.root, 'config');
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const remote = `s3://${bucket}/p`;
    const { vault } = await LocalVault.init(sb.env, { folder: sb.folder, remote, endpoint: cfg!.endpoint, keyRef: 'passphrase', profile: 'coffer-backup' });
    const s = new VaultSyncer(vault);
    expect((await s.sync()).uploaded).toBe(1);
    await s.close();
    await vault.close();
    // Reopened from its settings: the profile came along.
    const again = await LocalVault.open(sb.env, sb.folder);
    expect(again.settings?.profile).toBe('coffer-backup');
    const out = join(sb.root, 'out');
    expect((await again.restore(out)).problems).toEqual([]);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
    await again.close();
    // A profile that does not exist is a plain error, not a silent fall-back to other credentials.
    await expect(RemoteVault.open(sb.env, { remote, endpoint: cfg!.endpoint, keyRef: 'passphrase', profile: 'no-such-profile' })).rejects.toThrow(/profile|credential/i);
  });
});
