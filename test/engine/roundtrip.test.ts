import { describe, it, expect, afterEach } from 'vitest';
import { mkdir, writeFile, rename, rm, symlink, appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LocalVault, RemoteVault } from '../../src-main/engine/vault/vault.ts';
import { bufferBody } from '../../src-main/engine/store/body.ts';
import { UnsupportedError } from '../../src-main/engine/ports/store-errors.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { sandbox, initVault, snapshot, type Sandbox, type RemoteKind } from './harness.ts';
import { s3TestConfig, s3SkipReason } from '../support/s3-env.ts';

const kinds: RemoteKind[] = ['file', 's3'];

/** Every key in the bucket, and every byte of every object, as one string to search for names. */
async function bucketListing(vault: LocalVault): Promise<{ keys: string[]; bytes: Buffer }> {
  const keys: string[] = [];
  const parts: Buffer[] = [];
  for await (const o of vault.store.list('')) {
    keys.push(o.key);
    const chunks: Buffer[] = [];
    for await (const c of await vault.store.get(o.key)) chunks.push(c as Buffer);
    parts.push(Buffer.concat(chunks));
  }
  return { keys, bytes: Buffer.concat(parts) };
}

describe.each(kinds)('init, sync, change, sync, restore (%s remote)', (kind) => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());
  const skip = kind === 's3' && !s3TestConfig();

  it.skipIf(skip)(`restores byte-identical, on this machine and on a new one with only the recovery key${skip ? ` (skipped: ${s3SkipReason()})` : ''}`, async () => {
    sb = await sandbox();
    const f = sb.folder;
    await mkdir(join(f, 'Private Tax Papers/2026'), { recursive: true });
    await writeFile(join(f, 'Private Tax Papers/2026/secret-salary.txt'), 'salary: 1234');
    await writeFile(join(f, 'empty.txt'), '');
    await writeFile(join(f, 'large-video.bin'), randomBytes(3 * 1024 * 1024 + 17));
    await mkdir(join(f, 'empty-folder'));
    await symlink('Private Tax Papers/2026/secret-salary.txt', join(f, 'shortcut'));
    const { vault, recoveryKey, remote, endpoint } = await initVault(sb, kind);
    const syncer = new VaultSyncer(vault);
    const first = await syncer.sync();
    expect(first.complete).toBe(true);
    expect(first.uploaded).toBe(3);
    const afterFirst = await snapshot(f);

    await appendFile(join(f, 'Private Tax Papers/2026/secret-salary.txt'), '\nbonus: 99');
    await rename(join(f, 'large-video.bin'), join(f, 'Private Tax Papers/renamed-video.bin'));
    await rm(join(f, 'empty.txt'));
    const second = await syncer.sync();
    expect(second).toMatchObject({ uploaded: 1, renamed: 1, deleted: 1 });
    expect(second.bytes).toBeLessThan(10_000); // the 3 MiB rename cost no upload
    await syncer.close();

    const out = join(sb.root, 'restored');
    const report = await vault.restore(out);
    expect(report.problems).toEqual([]);
    expect(await snapshot(out)).toEqual(await snapshot(f));
    expect((await vault.verify()).bad).toEqual([]);

    const past = await vault.restore(join(sb.root, 'past'), { at: new Date(Date.now() - 1) });
    expect(past.problems).toEqual([]);
    const { tree } = await vault.tree();
    expect(tree.size).toBe(Object.keys(await snapshot(f)).length);
    const versions = await vault.versions('Private Tax Papers/2026/secret-salary.txt');
    expect(versions).toHaveLength(2);

    const { keys, bytes } = await bucketListing(vault);
    // Every key is one of the format's fixed names or a random object id: nothing else can carry a name.
    // (devices/<id>: this device's record, named by its random 16-hex-digit id.)
    const shape = /^(coffer-vault\.json|head|keys\/(passphrase|recovery|chunking)|objects\/([0-9a-f]{2})\/\3[0-9a-f]{30}|devices\/[0-9a-f]{16})$/;
    expect(keys.filter((k) => !shape.test(k))).toEqual([]);
    // The ids themselves are random hex, so '2026' may turn up in one by chance: look past them.
    const fixedParts = keys.map((k) => k.replace(/[0-9a-f]{32}$|^devices\/[0-9a-f]{16}$/, '')).join('\n');
    for (const name of ['Private', 'Tax', 'secret', 'salary', 'video', 'empty', 'shortcut', '2026']) {
      expect(fixedParts).not.toContain(name);
    }
    // Short strings turn up by chance in megabytes of ciphertext; names of 7+ bytes do not.
    for (const name of ['Private Tax Papers', 'secret-salary', 'large-video', 'renamed-video', 'shortcut', 'empty-folder']) {
      expect(bytes.includes(Buffer.from(name)), name).toBe(false);
    }
    await vault.close();

    // A new machine: empty state home, nothing but the bucket and the recovery key.
    const fresh = await sandbox();
    try {
      const remoteVault = await RemoteVault.open(fresh.env, { remote, endpoint, recoveryKey });
      const out2 = join(fresh.root, 'new-machine');
      expect((await remoteVault.restore(out2)).problems).toEqual([]);
      expect(await snapshot(out2)).toEqual(await snapshot(f));
      // Opened from the bucket alone, the vault is read-only: a restore can never change the remote.
      await expect(remoteVault.store.put('objects/00/probe', bufferBody('x'))).rejects.toBeInstanceOf(UnsupportedError);
      await remoteVault.close();
    } finally {
      await fresh.cleanup();
    }
    expect(afterFirst['empty.txt']).toBe('');
  });
});

describe('restore --at', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('restores the folder as it was at a past time', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'version one');
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    await syncer.sync();
    const between = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(join(sb.folder, 'a.txt'), 'version two, longer');
    await writeFile(join(sb.folder, 'b.txt'), 'new');
    await syncer.sync();
    await syncer.close();
    const out = join(sb.root, 'then');
    await vault.restore(out, { at: between });
    expect((await readdir(out)).sort()).toEqual(['a.txt']);
    expect(await readFile(join(out, 'a.txt'), 'utf8')).toBe('version one');
    await expect(vault.restore(join(sb.root, 'x'), { at: new Date(0) })).rejects.toThrow(/no version as old/);
    await vault.close();
  });
});
