import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sandbox, snapshot, type Sandbox } from './harness.ts';
import { runCli } from './cli-harness.ts';

describe('the coffer CLI', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());
  const envFor = (s: Sandbox) => ({ COFFER_HOME: s.home, COFFER_PASSPHRASE: 'cli passphrase' });

  it('init, sync, status, history, verify, versions and restore with --json; recovery kit restore on a new machine', async () => {
    sb = await sandbox();
    const env = envFor(sb);
    await mkdir(join(sb.folder, 'docs'));
    await writeFile(join(sb.folder, 'docs/letter.txt'), 'dear bank');
    const remote = `file://${join(sb.root, 'remote')}`;
    const kit = join(sb.root, 'kit.txt');
    const init = await runCli(['init', sb.folder, '--remote', remote, '--key', 'passphrase', '--recovery-kit', kit, '--json'], env);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout).recoveryKey).toMatch(/^CR1-/);

    const sync = await runCli(['sync', sb.folder, '--json', '--bwlimit', '100000'], env);
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ uploaded: 1, complete: true });

    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout);
    expect(status).toMatchObject({ files: 1, keyState: 'enabled' });
    const history = JSON.parse((await runCli(['history', '--limit', '5', '--json'], env)).stdout);
    expect(history.entries.map((e: { action: string }) => e.action)).toContain('upload');
    expect((await runCli(['verify', '--json'], env)).code).toBe(0);
    const versions = JSON.parse((await runCli(['versions', join(sb.folder, 'docs/letter.txt'), '--json'], env)).stdout);
    expect(versions).toHaveLength(1);
    const verifyEntry = JSON.parse((await runCli(['history', '--action', 'verify', '--json'], env)).stdout);
    expect(verifyEntry.entries[0].reason).toMatch(/^1 snapshots, 1 file versions read \(100 % sample\), 0 bad/);

    // The local index rebuilt from the bucket alone: the next pass finds nothing to upload.
    expect((await runCli(['reindex'], env)).code).toBe(0);
    const after = JSON.parse((await runCli(['sync', '--json'], env)).stdout);
    expect(after).toMatchObject({ uploaded: 0, deleted: 0 });

    const out = join(sb.root, 'out');
    expect((await runCli(['restore', '--to', out, '--path', 'docs'], env)).code).toBe(0);
    expect(await readFile(join(out, 'docs/letter.txt'), 'utf8')).toBe('dear bank');

    const newMachine = { COFFER_HOME: join(sb.root, 'other-home'), COFFER_PASSPHRASE: '' };
    const out2 = join(sb.root, 'out2');
    const r = await runCli(['restore', '--remote', remote, '--recovery-key', `@${kit}`, '--to', out2], newMachine);
    expect(r.stderr).toBe('');
    expect(await snapshot(out2)).toEqual(await snapshot(sb.folder));
  });

  it('bad input: one clear line, no stack trace, non-zero exit', async () => {
    sb = await sandbox();
    const env = envFor(sb);
    const unknown = await runCli(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const noVault = await runCli(['sync'], env);
    expect(noVault.code).toBe(1);
    expect(noVault.stderr).toMatch(/coffer init/);
    expect(noVault.stderr).not.toMatch(/\n\s+at /);
    const badRemote = await runCli(['init', sb.folder, '--remote', 'ftp://x'], env);
    expect(badRemote.code).toBe(1);
    expect(badRemote.stderr.trim().split('\n')).toHaveLength(1);
    const badAt = await runCli(['restore', '--to', join(sb.root, 'o'), '--at', 'Dec 1'], env);
    expect(badAt.code).toBe(2);
    expect(badAt.stderr).toMatch(/ISO-8601/);
    const inside = await runCli(['init', sb.folder, '--remote', `file://${sb.root}/r`], { ...env, COFFER_HOME: join(sb.folder, 'state') });
    expect(inside.stderr).toMatch(/inside the folder/);
    const badLimit = await runCli(['sync', '--bwlimit', '0'], env);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toMatch(/--bwlimit <KiB\/s>' argument '0' is invalid\. It must be a whole number/);
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/coffer restore --remote/);
  });

  it('the mass-delete guard: refuses without a terminal to ask, proceeds with --allow-mass-delete', async () => {
    sb = await sandbox();
    const env = envFor(sb);
    for (let i = 0; i < 6; i++) await writeFile(join(sb.folder, `f${i}.txt`), `file ${i}`);
    expect((await runCli(['init', sb.folder, '--remote', `file://${join(sb.root, 'remote')}`, '--key', 'passphrase'], env)).code).toBe(0);
    expect((await runCli(['sync'], env)).code).toBe(0);
    for (let i = 0; i < 4; i++) await rm(join(sb.folder, `f${i}.txt`));
    const paused = await runCli(['sync'], env);
    expect(paused.code).toBe(1);
    expect(paused.stderr).toMatch(/would delete 4 of 6 files.*nothing was deleted.*--allow-mass-delete/);
    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout);
    expect(status.files).toBe(6);
    const forced = JSON.parse((await runCli(['sync', '--allow-mass-delete', '--json'], env)).stdout);
    expect(forced).toMatchObject({ deleted: 4 });
  });
});
