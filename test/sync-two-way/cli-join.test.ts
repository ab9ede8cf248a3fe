// `coffer join` through the real bin/coffer.js (over dist/: run `npm run build` first).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sandbox, type Sandbox } from '../engine/harness.ts';
import { runCli } from '../engine/cli-harness.ts';

describe('coffer join', () => {
  const boxes: Sandbox[] = [];
  afterEach(async () => {
    for (const b of boxes.splice(0)) await b.cleanup();
  });

  it('attaches a second device and pulls the tree into a new folder; init on the vault points to join', async () => {
    const a = await sandbox();
    const b = await sandbox();
    boxes.push(a, b);
    const envA = { COFFER_HOME: a.home, COFFER_PASSPHRASE: 'cli passphrase' };
    const envB = { COFFER_HOME: b.home, COFFER_PASSPHRASE: 'cli passphrase' };
    const remote = `file://${join(a.root, 'remote')}`;
    await mkdir(join(a.folder, 'docs'));
    await writeFile(join(a.folder, 'docs/letter.txt'), 'dear bank');
    expect((await runCli(['init', a.folder, '--remote', remote, '--key', 'passphrase'], envA)).code).toBe(0);
    expect((await runCli(['sync', a.folder], envA)).code).toBe(0);

    // init refuses the existing vault and says what to run instead.
    const again = await runCli(['init', b.folder, '--remote', remote, '--key', 'passphrase'], envB);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a Coffer vault; .*coffer join .* --remote /);

    const target = join(b.root, 'laptop');
    const join1 = await runCli(['join', target, '--remote', remote, '--key', 'passphrase', '--name', 'laptop', '--json'], envB);
    expect(join1.stderr).toBe('');
    expect(join1.code).toBe(0);
    const out = JSON.parse(join1.stdout);
    expect(out).toMatchObject({ deviceName: 'laptop', keyRef: 'passphrase', pulled: 1, conflicts: [] });
    expect(out.deviceId).toMatch(/^[0-9a-f]{16}$/);
    expect(await readFile(join(target, 'docs/letter.txt'), 'utf8')).toBe('dear bank');

    // A change on the first device reaches the second with `coffer sync`, which says so (both directions
    // are covered engine-side in two-way.test.ts; each CLI open costs a full scrypt).
    await writeFile(join(a.folder, 'docs/letter.txt'), 'dear bank, again');
    expect((await runCli(['sync', a.folder], envA)).code).toBe(0);
    const pull = await runCli(['sync', target], envB);
    expect(pull.code).toBe(0);
    expect(pull.stdout).toMatch(/^Up to date: .*; 1 pulled from other devices/);
    expect(await readFile(join(target, 'docs/letter.txt'), 'utf8')).toBe('dear bank, again');

    // A second join of the same folder, or with neither key, is refused with the reason.
    const twice = await runCli(['join', target, '--remote', remote, '--key', 'passphrase'], envB);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already a Coffer folder/);
    const noKey = await runCli(['join', join(b.root, 'other'), '--remote', remote], envB);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/exactly one of --key and --recovery-key/);
  });

  it('joins with the recovery kit, keeping the key where --save-key says', async () => {
    const a = await sandbox();
    const b = await sandbox();
    boxes.push(a, b);
    const remote = `file://${join(a.root, 'remote')}`;
    const kit = join(a.root, 'kit.txt');
    await writeFile(join(a.folder, 'one.txt'), 'one');
    const envA = { COFFER_HOME: a.home, COFFER_PASSPHRASE: 'cli passphrase' };
    expect((await runCli(['init', a.folder, '--remote', remote, '--key', 'passphrase', '--recovery-kit', kit], envA)).code).toBe(0);
    expect((await runCli(['sync', a.folder], envA)).code).toBe(0);
    const envB = { COFFER_HOME: b.home, COFFER_PASSPHRASE: 'cli passphrase' };
    const noSave = await runCli(['join', b.folder, '--remote', remote, '--recovery-key', `@${kit}`], envB);
    expect(noSave.code).toBe(2);
    expect(noSave.stderr).toMatch(/--save-key/);
    const r = await runCli(['join', b.folder, '--remote', remote, '--recovery-key', `@${kit}`, '--save-key', 'passphrase', '--json'], envB);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ keyRef: 'passphrase', pulled: 1 });
    expect(await readFile(join(b.folder, 'one.txt'), 'utf8')).toBe('one');
    // The other device still opens with its passphrase: the bucket's slot was rewritten, not removed.
    expect((await runCli(['sync', a.folder], envA)).code).toBe(0);
  });
});
