// `coffer init` that fails leaves nothing behind: no destination folder (it used to be mkdir'd before the
// key was made) and no state folder, so the same command can simply be run again.
import { afterEach, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sandbox, type Sandbox } from './harness.ts';
import { runCli } from './cli-harness.ts';

describe('coffer init that fails', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => sb?.cleanup());

  it.each([
    ['an unknown key reference', 'nosuch:key', {}, /nosuch/],
    // No Secret Service on this bus: the keychain provider is unavailable.
    ['the keychain unavailable', 'keychain', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }, /keychain/i],
  ])('with %s leaves no destination folder and no state folder', async (_what, key, extraEnv, message) => {
    sb = await sandbox();
    const dest = join(sb.root, 'dest');
    const r = await runCli(['init', sb.folder, '--remote', `file://${dest}`, '--key', key], { COFFER_HOME: sb.home, ...extraEnv });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect((await readdir(sb.root)).sort()).toEqual(['folder']);
  });
});
