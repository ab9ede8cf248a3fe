// The real CLI over a folder remote: what `coffer verify` and `coffer restore` say and exit with when the
// bucket lost an old object, a key slot, or its head, and when nothing was ever committed.
import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, readFile, readdir, stat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sandbox, type Sandbox } from './harness.ts';
import { runCli } from './cli-harness.ts';

/** The largest object file of a folder remote, and its id. */
async function largestObject(remoteDir: string): Promise<{ path: string; id: string }> {
  let best = { path: '', id: '', size: -1 };
  for (const d of await readdir(join(remoteDir, 'objects'))) {
    for (const f of await readdir(join(remoteDir, 'objects', d))) {
      const p = join(remoteDir, 'objects', d, f);
      const { size } = await stat(p);
      if (size > best.size) best = { path: p, id: f, size };
    }
  }
  return best;
}

describe('coffer verify and restore on a damaged or empty bucket', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  async function setUp(): Promise<{ env: NodeJS.ProcessEnv; remoteDir: string; remote: string; kit: string }> {
    sb = await sandbox();
    const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'cli passphrase' };
    const remoteDir = join(sb.root, 'remote');
    const remote = `file://${remoteDir}`;
    const kit = join(sb.root, 'kit.txt');
    const init = await runCli(['init', sb.folder, '--remote', remote, '--key', 'passphrase', '--recovery-kit', kit], env);
    expect(init.code).toBe(0);
    return { env, remoteDir, remote, kit };
  }

  it('an empty vault: restore and verify say there is no snapshot yet and exit 1, here and on a new machine', async () => {
    const { env, remote, kit } = await setUp();
    const restore = await runCli(['restore', '--to', join(sb.root, 'out')], env);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/^coffer: this vault has no snapshot yet/);
    expect(restore.stdout).not.toMatch(/Restored 0 entries/);
    const remoteVerify = await runCli(['verify', '--remote', remote, '--recovery-key', `@${kit}`], { COFFER_HOME: join(sb.root, 'new-home') });
    expect(remoteVerify.code).toBe(1);
    expect(remoteVerify.stderr).toMatch(/no snapshot yet: nothing was ever committed/);
  });

  it('an object only an older snapshot needs is deleted, and keys/recovery damaged: verify exits 3 naming each', async () => {
    const { env, remoteDir } = await setUp();
    await writeFile(join(sb.folder, 'big.bin'), randomBytes(2 * 1024 * 1024));
    await writeFile(join(sb.folder, 'note.txt'), 'unchanged');
    expect((await runCli(['sync'], env)).code).toBe(0);
    const old = await largestObject(remoteDir);
    const oldRoot = JSON.parse((await runCli(['versions', join(sb.folder, 'big.bin'), '--json'], env)).stdout)[0].rootId as string;
    await writeFile(join(sb.folder, 'big.bin'), randomBytes(2 * 1024 * 1024));
    expect((await runCli(['sync'], env)).code).toBe(0);

    await rm(old.path);
    const slot = join(remoteDir, 'keys', 'recovery');
    const bytes = await readFile(slot);
    bytes[bytes.length - 10]! ^= 0x01;
    await writeFile(slot, bytes);
    const text = await runCli(['verify'], env);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/^Verified 2 snapshots .*2 BAD$/m);
    expect(text.stdout).toMatch(new RegExp(`BAD big.bin: object ${old.id} \\(chunk\\) is missing from the bucket; needed by snapshot \\S+ \\(root ${oldRoot}\\)`));
    expect(text.stdout).toMatch(/BAD key slot recovery: keys\/recovery is damaged/);
    const json = JSON.parse((await runCli(['verify', '--json'], env)).stdout);
    expect(json).toMatchObject({ ok: false, snapshotsChecked: 2, bad: [{ path: 'big.bin', object: old.id, snapshot: { rootId: oldRoot } }] });
    expect(json.keySlots.map((k: { state: string }) => k.state)).toEqual(['damaged', 'ok']);
  });

  it('a rolled-back head, then a deleted one: verify and restore exit 3, on the device and on a new machine', async () => {
    const { env, remoteDir, remote, kit } = await setUp();
    await writeFile(join(sb.folder, 'a.txt'), 'old');
    expect((await runCli(['sync'], env)).code).toBe(0);
    const oldHead = await readFile(join(remoteDir, 'head'));
    await writeFile(join(sb.folder, 'a.txt'), 'new');
    expect((await runCli(['sync'], env)).code).toBe(0);

    await writeFile(join(remoteDir, 'head'), oldHead);
    const verify = await runCli(['verify'], env);
    expect(verify.code).toBe(3);
    expect(verify.stderr).toMatch(/rolled back; refusing to verify/);
    const restore = await runCli(['restore', '--to', join(sb.root, 'out')], env);
    expect(restore.code).toBe(3);
    expect(restore.stderr).toMatch(/rolled back; refusing to restore/);

    await rm(join(remoteDir, 'head'));
    const gone = await runCli(['verify'], env);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/no manifest head, but this device saw generation 2/);
    const newMachine = { COFFER_HOME: join(sb.root, 'new-home') };
    const remoteRestore = await runCli(['restore', '--remote', remote, '--recovery-key', `@${kit}`, '--to', join(sb.root, 'out2')], newMachine);
    expect(remoteRestore.code).toBe(3);
    expect(remoteRestore.stderr).toMatch(/no manifest head, yet it holds committed snapshots/);
  });
});
