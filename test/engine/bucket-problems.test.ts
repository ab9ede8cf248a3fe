import { describe, it, expect, afterEach } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultRegistry } from '../../src-main/engine/vault/registry.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { AccessDeniedError, MissingContainerError } from '../../src-main/engine/ports/store-errors.ts';
import { sandbox, initVault, type Sandbox } from './harness.ts';
import { s3TestConfig, s3SkipReason } from '../support/s3-env.ts';

const skip = !s3TestConfig();

describe.skipIf(skip)(`bucket problems on a real S3 server${skip ? ` (skipped: ${s3SkipReason()})` : ''}`, () => {
  let sb: Sandbox;
  const secret = s3TestConfig()?.secretAccessKey;
  afterEach(async () => {
    process.env.AWS_SECRET_ACCESS_KEY = secret;
    await sb?.cleanup();
  });

  it('a missing bucket is a plain error at init, and nothing is created', async () => {
    sb = await sandbox();
    const { endpoint } = await initVault(sb, 's3'); // sets credentials; this vault is not used further
    const home2 = join(sb.root, 'home2');
    const err = await LocalVault.init({ ...sb.env, home: home2 }, { folder: sb.folder, remote: 's3://no-such-bucket-coffer-test/x', endpoint, keyRef: 'passphrase' }).catch((e) => e);
    expect(err).toBeInstanceOf(MissingContainerError);
    expect((err as Error).message).toMatch(/no-such-bucket-coffer-test/);
    expect(await new VaultRegistry(home2).list()).toEqual([]);
  });

  it('wrong credentials fail the pass with a plain error and a history entry; the vault stays intact', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'a');
    const { vault } = await initVault(sb, 's3');
    const ok = new VaultSyncer(vault);
    await ok.sync();
    await ok.close();
    await vault.close();

    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-secret';
    await writeFile(join(sb.folder, 'b.txt'), 'b');
    const denied = await LocalVault.open(sb.env, sb.folder).catch((e) => e);
    // The key slot is read at open with the same credentials, so the refusal may come at open or at sync.
    if (denied instanceof LocalVault) {
      const syncer = new VaultSyncer(denied);
      await expect(syncer.sync()).rejects.toBeInstanceOf(AccessDeniedError);
      await syncer.close();
      const errors = await denied.queryHistory({ actions: ['error'] });
      expect(errors.entries[0]?.reason).toMatch(/denied|credentials|signature/i);
      await denied.close();
    } else {
      expect(denied).toBeInstanceOf(AccessDeniedError);
    }

    process.env.AWS_SECRET_ACCESS_KEY = secret;
    const again = await LocalVault.open(sb.env, sb.folder);
    const syncer = new VaultSyncer(again);
    expect((await syncer.sync()).uploaded).toBe(1);
    await syncer.close();
    expect((await again.verify()).bad).toEqual([]);
    await again.close();
  });
});
