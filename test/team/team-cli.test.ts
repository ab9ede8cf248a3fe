// `coffer team …` and `coffer devices …` as a new user types them: the real CLI (bin/coffer.js over dist/,
// built by `npm run build`), two homes on one file:// remote.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../engine/cli-harness.ts';

describe('coffer team and coffer devices (CLI)', () => {
  let root = '';
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('team id -> invite --key -> join -> list -> remove (the removed client is told why) -> reencrypt; bad codes are refused', async () => {
    root = await mkdtemp(join(tmpdir(), 'coffer-team-cli-'));
    const remote = `file://${join(root, 'remote')}`;
    const annFolder = join(root, 'ann');
    const bobFolder = join(root, 'bob');
    await mkdir(annFolder);
    await writeFile(join(annFolder, 'plan.txt'), 'the plan');
    const ann = { COFFER_HOME: join(root, 'ann-home'), COFFER_PASSPHRASE: 'umbrella tangerine quarry 1987 nimbus' };
    const bob = { COFFER_HOME: join(root, 'bob-home') };
    const idFile = join(root, 'bob.identity');

    expect((await runCli(['init', annFolder, '--remote', remote, '--key', 'passphrase'], ann)).code).toBe(0);
    expect((await runCli(['sync'], ann)).code).toBe(0);

    const id = await runCli(['team', 'id', '--identity-file', idFile, '--json'], bob);
    expect(id.code, id.stderr).toBe(0);
    const publicId = JSON.parse(id.stdout).publicId as string;
    expect(publicId).toMatch(/^coffer-id1:age1/);

    const invite = await runCli(['team', 'invite', 'bob', '--role', 'writer', '--key', publicId, '--json'], ann);
    expect(invite.code, invite.stderr).toBe(0);
    const code = JSON.parse(invite.stdout).code as string;

    const bad = await runCli(['team', 'join', 'not-a-code', bobFolder, '--identity-file', idFile], bob);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/not a Coffer join code/);

    const join1 = await runCli(['team', 'join', code, bobFolder, '--identity-file', idFile], bob);
    expect(join1.code, join1.stderr).toBe(0);
    expect(await readFile(join(bobFolder, 'plan.txt'), 'utf8')).toBe('the plan');

    const list = await runCli(['team', 'list'], ann);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/bob\s+writer\s+active/);
    expect(list.stdout).toMatch(/Revocation complete: \d+ %/);

    const devices = await runCli(['devices', 'list'], ann);
    expect(devices.code, devices.stderr).toBe(0);
    expect(devices.stdout).toMatch(/\(this device\)/);

    const readerTry = await runCli(['team', 'invite', 'eve'], bob);
    expect(readerTry.code).toBe(1);
    expect(readerTry.stderr).toMatch(/you are a writer in this vault: only an admin can change the team/);

    const removed = await runCli(['team', 'remove', 'bob'], ann);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/New data now uses key generation 2/);

    const bobSync = await runCli(['sync'], bob);
    expect(bobSync.code).toBe(1);
    expect(bobSync.stderr).toMatch(/you were removed from this vault by/);

    const re = await runCli(['team', 'reencrypt'], ann);
    expect(re.code, re.stderr).toBe(0);
    expect(re.stdout).toMatch(/Revocation complete: 100 %/);
  }, 120_000);
});
