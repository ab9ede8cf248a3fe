// Keychain errors name next steps that exist, and only options the failing command has.
import { describe, it, expect, afterEach, inject } from 'vitest';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';
import { sandbox, snapshot, type Sandbox } from './harness.ts';
import { runCli } from './cli-harness.ts';
import type {} from '../support/keyring-service.ts';

const keyring = inject('keyringService');
const NO_BUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/coffer-no-bus' };

describe('keychain messages', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it.skipIf(!keyring.available)(`a lost keychain item and a missing keychain, from sync and from init${keyring.available ? '' : ` (skipped: ${keyring.reason})`}`, async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const remote = `file://${join(sb.root, 'remote')}`;
    const kit = join(sb.root, 'kit.txt');
    const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'keychain message test' };
    expect((await runCli(['init', sb.folder, '--remote', remote, '--key', 'passphrase', '--recovery-kit', kit], env)).code).toBe(0);
    expect((await runCli(['sync'], env)).code).toBe(0);
    const name = `coffer-test-msg-${process.pid}-${Date.now()}`;
    expect((await runCli(['keys', 'move', '--to', `keychain:${name}`], env)).code).toBe(0);

    // No Secret Service: the keyring library reads that as a missing item; sync has no --key, so it is
    // not told to use one, and is pointed at the recovery key (tried below).
    const noBus = await runCli(['sync'], { ...env, ...NO_BUS });
    expect(noBus.code).toBe(1);
    expect(noBus.stderr).toMatch(/^coffer: the keychain entry .* is empty on this machine, or the OS keychain cannot be reached .*coffer restore --remote <url> --recovery-key/);
    expect(noBus.stderr).not.toMatch(/--key /);
    const other = join(sb.root, 'other');
    await mkdir(other);
    const initNoBus = await runCli(['init', other, '--remote', `file://${join(sb.root, 'remote2')}`, '--key', 'keychain:x'], { ...env, ...NO_BUS });
    expect(initNoBus.code).toBe(1);
    expect(initNoBus.stderr).toMatch(/^coffer: no secure OS keychain available \(.*\); choose another key with --key passphrase\n$/);

    // The item is gone (a new login, a wiped keyring): the message names a command that does restore.
    await new AsyncEntry('coffer', name).deleteCredential();
    const lost = await runCli(['sync'], env);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toBe(`coffer: the keychain entry coffer/${name} is empty on this machine, or the OS keychain cannot be reached (the vault is intact: its recovery key opens it); `
      + 'the recovery key still opens the vault: coffer restore --remote <url> --recovery-key @kit.txt --to <dir> '
      + '(or coffer verify --remote <url> --recovery-key @kit.txt)\n');
    const out = join(sb.root, 'out');
    const restored = await runCli(['restore', '--remote', remote, '--recovery-key', `@${kit}`, '--to', out], env);
    expect(restored.stderr).toBe('');
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
  });
});
