// `coffer verify --quick`: every object of every retained snapshot by HEAD, against the records kept at
// upload, through the real CLI on a folder remote and on the real Ceph RGW.
import { describe, it, expect, afterEach } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { quickCheck, referencedObjects } from '../../src-main/engine/verify/quick-check.ts';
import { s3SkipReason, s3TestConfig, makeTestBucket } from '../support/s3-env.ts';
import { sandbox, type Sandbox } from './harness.ts';
import { objectKey } from '../../src-main/engine/objects/object-keys.ts';
import { runCli } from './cli-harness.ts';

const cfg = s3TestConfig();
const quick = async (env: NodeJS.ProcessEnv) => {
  const r = await runCli(['verify', '--quick', '--json'], env);
  return { code: r.code, stderr: r.stderr, report: r.stdout ? JSON.parse(r.stdout) : null };
};

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out.sort();
}

describe('coffer verify --quick', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('on a folder remote: confirms every object from its own checksum records, then names a replaced and a missing object', async () => {
    sb = await sandbox();
    const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'quick passphrase' };
    await writeFile(join(sb.folder, 'small-1.txt'), 'one');
    await writeFile(join(sb.folder, 'small-2.txt'), 'two');
    // One repeated byte: one content-defined chunk (no cut before 8 MiB), so one data object.
    await writeFile(join(sb.folder, 'large.bin'), Buffer.alloc(3_000_000, 5));
    const remoteDir = join(sb.root, 'remote');
    expect((await runCli(['init', sb.folder, '--remote', `file://${remoteDir}`, '--key', 'passphrase'], env)).code).toBe(0);
    expect((await runCli(['sync'], env)).code).toBe(0);

    const ok = await quick(env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    // One pack (the two small files) and one data object (the large file): both confirmed by checksum.
    expect(ok.report).toMatchObject({ ok: true, objects: 2, confirmed: 2, unchecked: 0, missing: [], bad: [] });
    const text = (await runCli(['verify', '--quick'], env)).stdout;
    expect(text).toMatch(/Quick check of 2 objects by HEAD \(nothing downloaded\): all present\n {2}2 confirmed by checksum or MD5 ETag\n {2}0 could not be checked without a download/);

    // Replace the data object with other bytes of the same size, and delete the pack.
    const objects = (await filesUnder(join(remoteDir, 'objects')));
    const sizes = await Promise.all(objects.map(async (f) => (await stat(f)).size));
    const data = objects[sizes.findIndex((s) => s > 1_000_000)]!;
    // The pack holds 6 plaintext bytes: 381 bytes of ciphertext (FORMAT.md §3.2); segments and roots are larger.
    const pack = objects[sizes.indexOf(6 + 375)]!;
    await writeFile(data, randomBytes((await stat(data)).size));
    await rm(pack);
    const bad = await quick(env);
    expect(bad.code).toBe(3);
    const key = (abs: string) => abs.slice(remoteDir.length + 1);
    expect(bad.report.missing).toEqual([key(pack)]);
    expect(bad.report.bad).toEqual([{ key: key(data), reason: expect.stringMatching(/^its SHA-256 is .*, expected .* \(recorded at upload\)$/) }]);
    expect(bad.report.confirmed).toBe(0);
  });

  it('a snapshot written without records (an older vault) still reads: its objects are counted as not checkable', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const { vault } = await LocalVault.init(sb.env, { folder: sb.folder, remote: `file://${join(sb.root, 'remote')}`, keyRef: 'passphrase' });
    const syncer = new VaultSyncer(vault);
    await syncer.sync();
    await syncer.close();
    const head = (await vault.manifest.readHead())!;
    const tree = await vault.manifest.readTree(await vault.manifest.readRoot(head.head.rootId));
    // As Coffer wrote segments before they kept records: no `stored`, and no parent with any.
    const old = await vault.manifest.writeRoot(tree, null, { device: 'old', seq: 9, time: new Date().toISOString() });
    await vault.manifest.commitHead(old, head.etag, head.head.generation + 1, old.time);
    const { refs, missing, bad } = await referencedObjects(vault.manifest, old.rootId, { now: Date.now() });
    expect({ missing, bad }).toEqual({ missing: [], bad: [] });
    expect(refs).toHaveLength(1);
    expect(refs[0]!.expected).toBeUndefined();
    expect(await quickCheck(vault.store, refs)).toEqual({ objects: 1, confirmed: 0, unchecked: 1, missing: [], bad: [] });
    await vault.close();
  });

  it('a damaged older segment and a root missing inside the retention period are reported, not taken for pruning', async () => {
    sb = await sandbox();
    const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'correct horse' };
    const remoteDir = join(sb.root, 'remote');
    const { vault } = await LocalVault.init(sb.env, { folder: sb.folder, remote: `file://${remoteDir}`, keyRef: 'passphrase' });
    const syncer = new VaultSyncer(vault);
    // Three snapshots, each of other bytes (other sizes, so each sync sees the change).
    for (const text of ['a', 'bb', 'ccc']) {
      await writeFile(join(sb.folder, 'a.txt'), text);
      await syncer.sync();
    }
    await syncer.close();
    const newest = await vault.manifest.readRoot((await vault.manifest.readHead())!.head.rootId);
    const middle = await vault.manifest.readRoot(newest.parent!);
    const oldest = await vault.manifest.readRoot(middle.parent!);
    await vault.close();
    expect((await quick(env)).report).toMatchObject({ ok: true, objects: 3, missing: [], bad: [] });

    // A segment only the oldest snapshot names, one byte changed: reported, with a plain reason.
    const later = new Set([...newest.segments, ...middle.segments].map((s) => s.object));
    const segment = oldest.segments.map((s) => s.object).find((id) => !later.has(id))!;
    const file = join(remoteDir, objectKey(segment));
    const bytes = await readFile(file);
    bytes[bytes.length - 20]! ^= 0xff;
    await writeFile(file, bytes);
    const damaged = await quick(env);
    expect(damaged.stderr).toBe('');
    expect(damaged.code).toBe(3);
    expect(damaged.report.missing).toEqual([]);
    expect(damaged.report.bad).toEqual([{
      key: objectKey(segment),
      reason: `is the manifest segment of snapshot ${oldest.time} (root ${oldest.rootId}) and is damaged: it does not authenticate (changed or cut short in the bucket): the files it lists cannot be checked`,
    }]);

    // The middle root deleted, well inside the retention period: missing, not "pruned".
    await rm(join(remoteDir, objectKey(middle.rootId)));
    const gone = await quick(env);
    expect(gone.code).toBe(3);
    expect(gone.report).toMatchObject({ ok: false, missing: [objectKey(middle.rootId)], bad: [] });
    expect((await runCli(['verify', '--quick'], env)).stdout).toContain(`MISSING ${objectKey(middle.rootId)}`);
  });

  describe.skipIf(!cfg)(`on a real S3 server${cfg ? '' : ` (skipped: ${s3SkipReason()})`}`, () => {
    // Multipart objects (MD5 of part MD5s) are covered in test/store/s3-protect.test.ts with small parts.
    it('confirms objects by their MD5 ETags (RGW 16 keeps no checksums), then names a replaced and a missing one', async () => {
      sb = await sandbox();
      const bucket = await makeTestBucket();
      const env = {
        COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'quick passphrase',
        AWS_ACCESS_KEY_ID: cfg!.accessKeyId, AWS_SECRET_ACCESS_KEY: cfg!.secretAccessKey, AWS_REGION: 'us-east-1',
      };
      await writeFile(join(sb.folder, 'small.txt'), 'small');
      // Repeated bytes: one content-defined chunk each, both sealed into one chunk pack.
      await writeFile(join(sb.folder, 'medium.bin'), Buffer.alloc(2_000_000, 6));
      await writeFile(join(sb.folder, 'other.bin'), Buffer.alloc(1_500_000, 9));
      const init = await runCli(['init', sb.folder, '--remote', `s3://${bucket}/v`, '--endpoint', cfg!.endpoint, '--key', 'passphrase'], env);
      expect(init.stderr).toBe('');
      expect((await runCli(['sync'], env)).code).toBe(0);

      const ok = await quick(env);
      expect(ok.code).toBe(0);
      // The pack of small files and the chunk pack.
      expect(ok.report).toMatchObject({ ok: true, objects: 2, confirmed: 2, unchecked: 0 });

      const s3 = new S3Client({ endpoint: cfg!.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: cfg!.accessKeyId, secretAccessKey: cfg!.secretAccessKey } });
      const listed = (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'v/objects/' }))).Contents ?? [];
      const chunkPack = listed.find((o) => o.Size! > 3_400_000 && o.Size! < 3_700_000)!;
      // The smallest object: the pack of small.txt's 5 bytes (roots and segments are larger).
      const smallPack = [...listed].sort((a, b) => a.Size! - b.Size!)[0]!;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: chunkPack.Key, Body: randomBytes(chunkPack.Size!) }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: smallPack.Key }));
      s3.destroy();
      const bad = await quick(env);
      expect(bad.code).toBe(3);
      expect(bad.report.missing).toEqual([smallPack.Key!.slice(2)]);
      expect(bad.report.bad).toEqual([{ key: chunkPack.Key!.slice(2), reason: expect.stringMatching(/^its ETag is [0-9a-f]{32}, expected the MD5 [0-9a-f]{32} \(recorded at upload\)$/) }]);
    });
  });
});
