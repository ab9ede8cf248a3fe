// Size padding from the command line: `coffer init --padding`, `coffer settings --padding`, and the usage
// errors for a mode that does not exist (exit 2, the valid modes named, nothing changed).
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sandbox, type Sandbox } from './harness.ts';
import { runCli } from './cli-harness.ts';

describe('coffer init --padding and coffer settings --padding', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());
  const envFor = (s: Sandbox) => ({ COFFER_HOME: s.home, COFFER_PASSPHRASE: 'padding passphrase' });
  const remoteOf = (s: Sandbox) => `file://${join(s.root, 'remote')}`;

  it('init with --padding padme saves it; settings shows it and turns it off again', async () => {
    sb = await sandbox();
    const env = envFor(sb);
    const init = await runCli(['init', sb.folder, '--remote', remoteOf(sb), '--key', 'passphrase', '--padding', 'padme', '--json'], env);
    expect(init.stderr).toBe('');
    expect(JSON.parse(init.stdout)).toMatchObject({ padding: 'padme' });

    const shown = await runCli(['settings'], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^Padding: +padme \(objects padded/m);

    const off = await runCli(['settings', sb.folder, '--padding', 'off', '--json'], env);
    expect(off.stderr).toBe('');
    expect(JSON.parse(off.stdout)).toMatchObject({ padding: 'off', changed: true });
    const again = await runCli(['settings', '--padding', 'off'], env);
    expect(again.stdout).toMatch(/Padding was already off; nothing changed\./);
    expect(JSON.parse((await runCli(['settings', '--json'], env)).stdout)).toMatchObject({ padding: 'off', changed: false });
  });

  it('init without --padding leaves it off; a mode that does not exist is a usage error and changes nothing', async () => {
    sb = await sandbox();
    const env = envFor(sb);
    const bad = await runCli(['init', sb.folder, '--remote', remoteOf(sb), '--key', 'passphrase', '--padding', 'zeros'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--padding <mode>' argument 'zeros' is invalid\. Allowed choices are off, padme/);
    // Refused before anything was made: the same init then works.
    const init = await runCli(['init', sb.folder, '--remote', remoteOf(sb), '--key', 'passphrase', '--json'], env);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ padding: 'off' });

    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout) as { vaultId: string };
    const settingsFile = join(sb.home, 'vaults', status.vaultId, 'settings.json');
    const before = await readFile(settingsFile, 'utf8');
    expect(JSON.parse(before)).toMatchObject({ version: 6, padding: 'off' });
    const badSet = await runCli(['settings', '--padding', 'on'], env);
    expect(badSet.code).toBe(2);
    expect(badSet.stderr).toMatch(/Allowed choices are off, padme/);
    expect(await readFile(settingsFile, 'utf8')).toBe(before);
    expect(JSON.parse((await runCli(['settings', '--json'], env)).stdout)).toMatchObject({ padding: 'off' });
  });
});
