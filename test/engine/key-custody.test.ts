import { describe, it, expect, afterEach } from 'vitest';
import { inject } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sandbox, snapshot, type Sandbox } from './harness.ts';
import { runCli } from './cli-harness.ts';
import type {} from '../support/keyring-service.ts';

const keyring = inject('keyringService');

describe('moving the vault key and changing the passphrase re-encrypt nothing', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it.skipIf(!keyring.available)(`passphrase -> new passphrase -> keychain, data objects untouched${keyring.available ? '' : ` (skipped: ${keyring.reason})`}`, async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const remote = `file://${join(sb.root, 'remote')}`;
    const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'first passphrase' };
    expect((await runCli(['init', sb.folder, '--remote', remote, '--key', 'passphrase'], env)).code).toBe(0);
    expect((await runCli(['sync'], env)).code).toBe(0);
    const objectsBefore = await snapshot(join(sb.root, 'remote', 'objects'));

    const changed = await runCli(['keys', 'change-passphrase'], { ...env, COFFER_NEW_PASSPHRASE: 'second passphrase' });
    expect(changed.stderr).toBe('');
    expect(changed.stdout).toMatch(/No data was re-encrypted/);
    const withOld = await runCli(['status'], env);
    expect(withOld.code).toBe(1);
    expect(withOld.stderr).toMatch(/wrong passphrase/i);
    const env2 = { ...env, COFFER_PASSPHRASE: 'second passphrase' };
    expect((await runCli(['verify'], env2)).code).toBe(0);

    const moved = await runCli(['keys', 'move', '--to', `keychain:coffer-test-${Date.now()}`, '--json'], env2);
    expect(moved.stderr).toBe('');
    const keyRef = JSON.parse(moved.stdout).keyRef as string;
    expect(keyRef).toMatch(/^keychain:/);
    const noPassphrase = { COFFER_HOME: sb.home };
    const status = JSON.parse((await runCli(['status', '--json'], noPassphrase)).stdout);
    expect(status.key).toBe(keyRef);
    const out = join(sb.root, 'out');
    expect((await runCli(['restore', '--to', out], noPassphrase)).code).toBe(0);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
    expect(await snapshot(join(sb.root, 'remote', 'objects'))).toEqual(objectsBefore);
  });
});
