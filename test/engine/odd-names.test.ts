import { describe, it, expect, afterEach } from 'vitest';
import { mkdir, writeFile, symlink, readdir, readFile, readlink, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { RemoteVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { readDoc } from '../../src-main/engine/manifest/sealed-doc.ts';
import { SealedObjects } from '../../src-main/engine/objects/sealed-objects.ts';
import { objectRef } from '../../src-main/engine/objects/object-ref.ts';
import { SegmentSchema } from '../../src-main/engine/manifest/schema.ts';
import { sandbox, initVault, type Sandbox, type RemoteKind } from './harness.ts';
import { runCli } from './cli-harness.ts';
import { s3TestConfig, s3SkipReason } from '../support/s3-env.ts';

const kinds: RemoteKind[] = ['file', 's3'];
const b = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** Folder bytes -> content: every name as hex of its exact bytes, so a mangled name cannot compare equal. */
async function byteSnapshot(dir: Buffer, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const names = (await readdir(dir, { encoding: 'buffer' })).sort(Buffer.compare);
  for (const name of names) {
    const abs = Buffer.concat([dir, Buffer.from('/'), name]);
    const rel = prefix + name.toString('hex');
    const st = await lstat(abs);
    if (st.isSymbolicLink()) out[rel] = `->${(await readlink(abs, { encoding: 'buffer' })).toString('hex')}`;
    else if (st.isDirectory()) {
      out[rel] = '<dir>';
      Object.assign(out, await byteSnapshot(abs, `${rel}/`));
    } else out[rel] = (await readFile(abs)).toString('base64');
  }
  return out;
}

describe.each(kinds)('names that are not valid UTF-8 (%s remote)', (kind) => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());
  const skip = kind === 's3' && !s3TestConfig();

  it.skipIf(skip)(`are backed up and restored with their exact bytes, here and on a new machine${skip ? ` (skipped: ${s3SkipReason()})` : ''}`, async () => {
    sb = await sandbox();
    const f = Buffer.from(sb.folder);
    const at = (...parts: Buffer[]) => Buffer.concat([f, ...parts.flatMap((p) => [Buffer.from('/'), p])]);
    const latin1 = b('caf', [0xe9], '.txt'); // "café.txt" as Latin-1
    const dir = b('dir-', [0xff]);
    await writeFile(at(latin1), 'Latin-1 name');
    await mkdir(at(dir));
    await writeFile(at(dir, b('inner-', [0xfe, 0x80], '.bin')), randomBytes(2 * 1024 * 1024 + 5)); // a large file: its own object
    await writeFile(at(dir, b('plain.txt')), 'a valid name inside a folder that is not');
    await symlink(b('caf', [0xe9], '.txt'), at(b('link-', [0xe9])));
    // A look-alike that is valid UTF-8: the real U+FFFD, which is what Node alone would have made of \xE9.
    await writeFile(at(b('caf\uFFFD.txt')), 'real replacement character');

    const { vault, recoveryKey, remote, endpoint } = await initVault(sb, kind);
    const syncer = new VaultSyncer(vault);
    const first = await syncer.sync();
    expect(first.problems).toEqual([]);
    expect(first.complete).toBe(true);
    expect(first.uploaded).toBe(4);
    expect((await syncer.sync()).uploaded).toBe(0); // the scan matches the stored names: nothing to redo
    await syncer.close();

    // In the bucket, each such name is stored as base64 of its bytes beside a readable display form.
    const { tree, rootId } = await vault.tree();
    expect(tree.size).toBe(6);
    const root = await vault.manifest.readRoot(rootId!);
    const stored = [];
    const objects = new SealedObjects({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
    for (const seg of root.segments) stored.push(...(await readDoc(objects, objectRef('manifest', seg.object), SegmentSchema)).entries);
    const rawPaths = stored.filter((e) => e.rawPath).map((e) => Buffer.from(e.rawPath!, 'base64').toString('hex')).sort();
    expect(rawPaths).toEqual([latin1, dir, b('dir-', [0xff], '/inner-', [0xfe, 0x80], '.bin'), b('dir-', [0xff], '/plain.txt'), b('link-', [0xe9])].map((x) => x.toString('hex')).sort());
    expect(stored.find((e) => e.rawPath === latin1.toString('base64'))?.path).toBe('caf\\xE9.txt');
    const link = stored.find((e) => e.type === 'symlink')!;
    expect(Buffer.from(link.rawTarget!, 'base64').equals(latin1)).toBe(true);
    for (const e of stored) expect(e.path).toMatch(/^[^\uD800-\uDFFF]*$/u); // plain Unicode text for every reader

    const out = join(sb.root, 'out');
    const report = await vault.restore(out);
    expect(report.problems).toEqual([]);
    expect(await byteSnapshot(Buffer.from(out))).toEqual(await byteSnapshot(f));
    // One folder by the name the CLI prints for it, and one file by the form shell completion gives Node.
    const part = join(sb.root, 'part');
    expect((await vault.restore(part, { path: 'dir-\\xFF' })).restored).toBe(3);
    expect((await vault.restore(part, { path: 'caf\uFFFD.txt' })).restored).toBe(2); // also the real U+FFFD name
    const key = (...segs: Buffer[]) => segs.map((x) => x.toString('hex')).join('/');
    expect(Object.keys(await byteSnapshot(Buffer.from(part))).sort()).toEqual(
      [key(latin1), key(b('caf\uFFFD.txt')), key(dir), key(dir, b('inner-', [0xfe, 0x80], '.bin')), key(dir, b('plain.txt'))].sort(),
    );
    await vault.close();

    const fresh = await sandbox();
    try {
      const remoteVault = await RemoteVault.open(fresh.env, { remote, endpoint, recoveryKey });
      const out2 = join(fresh.root, 'new-machine');
      expect((await remoteVault.restore(out2)).problems).toEqual([]);
      expect(await byteSnapshot(Buffer.from(out2))).toEqual(await byteSnapshot(f));
      await remoteVault.close();
    } finally {
      await fresh.cleanup();
    }
  });
});

describe('the CLI and names that are not valid UTF-8', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('prints them escaped (\\xHH), and finds them by that form in versions and restore --path', async () => {
    sb = await sandbox();
    const latin1 = Buffer.concat([Buffer.from(sb.folder), b('/caf', [0xe9], '.txt')]);
    await writeFile(latin1, 'Latin-1 name');
    const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'odd names' };
    expect((await runCli(['init', sb.folder, '--remote', `file://${join(sb.root, 'remote')}`, '--key', 'passphrase'], env)).code).toBe(0);
    const sync = await runCli(['sync', sb.folder], env);
    expect(sync.stdout).toMatch(/^Up to date: 1 uploaded/);
    expect(sync.code).toBe(0);
    const history = await runCli(['history', sb.folder], env);
    expect(history.stdout).toContain('upload  caf\\xE9.txt');
    const versions = await runCli(['versions', join(sb.folder, 'caf\\xE9.txt')], env);
    expect(versions.stdout).toMatch(/^Versions of caf\\xE9\.txt /);
    const out = join(sb.root, 'out');
    expect((await runCli(['restore', sb.folder, '--to', out, '--path', 'caf\\xE9.txt'], env)).code).toBe(0);
    expect(await readdir(Buffer.from(out), { encoding: 'buffer' })).toEqual([b('caf', [0xe9], '.txt')]);
    expect(await readFile(Buffer.concat([Buffer.from(out), b('/caf', [0xe9], '.txt')]), 'utf8')).toBe('Latin-1 name');
  });
});
