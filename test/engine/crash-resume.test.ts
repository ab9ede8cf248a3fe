import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MaintainedSyncer } from '../support/maintained-syncer.ts';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { loadSettings, saveSettings } from '../../src-main/engine/journal/settings-store.ts';
import { walkRoots } from '../../src-main/engine/manifest/reachable.ts';
import { objectIdFromKey, objectKey, OBJECTS_PREFIX } from '../../src-main/engine/objects/object-keys.ts';
import { CreateMultipartUploadCommand, S3Client } from '@aws-sdk/client-s3';
import { sandbox, initVault, snapshot, until, type Sandbox, type RemoteKind } from './harness.ts';
import { startCli } from './cli-harness.ts';
import { s3TestConfig, s3SkipReason } from '../support/s3-env.ts';

/** Objects a committed vault may hold: every root kept, its segments, and every chunk they name. */
async function referenced(vault: LocalVault): Promise<Set<string>> {
  const live = new Set<string>();
  const head = await vault.manifest.readHead();
  for await (const r of walkRoots(vault.manifest, vault.manifest.roots(head!.head.rootId))) {
    if (r.kind === 'entry') for (const c of r.entry.chunks ?? []) live.add(c.object);
    else live.add(r.id);
  }
  return live;
}

describe.each<RemoteKind>(['file', 's3'])('kill -9 during a large upload, then restart (%s remote)', (kind) => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());
  const skip = kind === 's3' && !s3TestConfig();

  it.skipIf(skip)(`resumes; nothing is lost or stored twice${skip ? ` (skipped: ${s3SkipReason()})` : ''}`, async () => {
    sb = await sandbox();
    // 3 ranges of 64 MiB (the second is in flight when the process dies) plus small files.
    await writeFile(join(sb.folder, 'large.bin'), randomBytes(150 * 1024 * 1024));
    for (let i = 0; i < 20; i++) await writeFile(join(sb.folder, `note-${i}.txt`), `note ${i}`);
    const { vault } = await initVault(sb, kind);
    // Slow the child down so the kill lands mid-upload: 40 MiB/s through the bandwidth-limit wrapper.
    const settings = await loadSettings(vault.paths.settings);
    await saveSettings(vault.paths.settings, { ...settings, bwlimitKiBps: 40 * 1024 });
    await vault.close();

    const cfg = s3TestConfig();
    const child = startCli(['sync', sb.folder], {
      COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'correct horse',
      ...(cfg ? { AWS_ACCESS_KEY_ID: cfg.accessKeyId, AWS_SECRET_ACCESS_KEY: cfg.secretAccessKey, AWS_REGION: 'us-east-1' } : {}),
    });
    let childErr = '';
    child.stderr!.on('data', (d) => (childErr += d));
    const journal = join(vault.paths.dir, 'journal.jsonl');
    const exited = new Promise((r) => child.on('exit', r));
    await until(async () => (await readFile(journal, 'utf8').catch(() => '')).includes('"uploaded"'), 'the child to store its first object', 120_000).catch((e) => {
      throw new Error(`${(e as Error).message}: ${childErr}`);
    });
    child.kill('SIGKILL');
    await exited;
    expect(await readFile(journal, 'utf8')).not.toContain('"committed"');

    const again = await LocalVault.open(sb.env, sb.folder);
    await saveSettings(again.paths.settings, { ...settings, bwlimitKiBps: undefined });
    const syncer = new MaintainedSyncer(again);
    const result = await syncer.sync();
    await syncer.close();
    expect(result.complete).toBe(true);

    const out = join(sb.root, 'restored');
    expect((await again.restore(out)).problems).toEqual([]);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
    const stored: string[] = [];
    for await (const o of again.store.list(OBJECTS_PREFIX)) stored.push(objectIdFromKey(o.key)!);
    expect(new Set(stored)).toEqual(await referenced(again));
    if (again.store.pendingUploads) {
      const pending = [];
      for await (const u of again.store.pendingUploads()) pending.push(u);
      expect(pending).toEqual([]);
    }
    await again.close();
  }, 240_000);
});

describe.skipIf(!s3TestConfig())('multipart uploads the journal never heard of (S3)', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('an upload to an object that already exists is aborted after the next commit', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'a');
    const { vault, remote, endpoint } = await initVault(sb, 's3');
    const syncer = new MaintainedSyncer(vault);
    await syncer.sync();
    const { tree } = await vault.tree();
    const objectId = tree.get('a.txt')!.chunks![0]!.object;
    // What a crash between CreateMultipartUpload and saving its checkpoint leaves behind.
    const cfg = s3TestConfig()!;
    const [bucket, prefix] = remote.replace('s3://', '').split(/\/(.*)/s);
    const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } });
    await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${prefix}/${objectKey(objectId)}` }));
    s3.destroy();
    const before = [];
    for await (const u of vault.store.pendingUploads!()) before.push(u);
    expect(before).toHaveLength(1);

    await writeFile(join(sb.folder, 'b.txt'), 'b');
    await syncer.sync();
    await syncer.close();
    const after = [];
    for await (const u of vault.store.pendingUploads!()) after.push(u);
    expect(after).toEqual([]);
    await vault.close();
  });
});
