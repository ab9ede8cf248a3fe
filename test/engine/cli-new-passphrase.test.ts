// A new passphrase (init --key passphrase, keys change-passphrase): asked twice on a terminal, and one
// strength rule (8 characters and a zxcvbn score of 3) for both commands and for COFFER_PASSPHRASE.
import { describe, it, expect, afterEach } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sandbox, until, type Sandbox } from './harness.ts';
import { COFFER_BIN, assertBuilt, runCli } from './cli-harness.ts';

const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), answering each prompt as it appears: the
 * prompt reads raw keystrokes, so an answer typed before its prompt would be lost, as on a real terminal.
 */
async function onTerminal(args: string[], env: NodeJS.ProcessEnv, answers: { prompt: string; reply: string }[]) {
  assertBuilt();
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, COFFER_BIN, ...args].map(quote).join(' ');
  const { COFFER_PASSPHRASE: _unset, ...base } = process.env;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  let from = 0; // answered prompts lie before this offset in the output
  for (const a of answers) {
    await until(() => output.indexOf(a.prompt, from) >= 0 || child.exitCode !== null, `the prompt "${a.prompt}"`);
    if (child.exitCode !== null) break;
    from = output.indexOf(a.prompt, from) + a.prompt.length;
    child.stdin.write(`${a.reply}\r`);
  }
  const code = await exited;
  child.stdin.end();
  return { code, output };
}

describe('choosing a passphrase', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());
  const strong = 'maple orbit canyon seven';

  it.skipIf(!hasScript)('init asks twice; a mismatch or a weak passphrase creates nothing', async () => {
    sb = await sandbox();
    const remoteDir = join(sb.root, 'remote');
    const args = ['init', sb.folder, '--remote', `file://${remoteDir}`, '--key', 'passphrase'];
    const env = { COFFER_HOME: sb.home };

    const typo = await onTerminal(args, env, [{ prompt: 'New passphrase: ', reply: strong }, { prompt: 'again: ', reply: `${strong}.` }]);
    expect(typo.code).toBe(2);
    expect(typo.output).toMatch(/coffer: the two passphrases differ; no vault was created/);
    expect(existsSync(remoteDir)).toBe(false);
    expect(existsSync(join(sb.home, 'vaults.json'))).toBe(false);

    const weak = await onTerminal(args, env, [{ prompt: 'New passphrase: ', reply: 'password1' }]);
    expect(weak.code).toBe(2);
    expect(weak.output).toMatch(/coffer: this passphrase is too easy to guess \(strength 0 of 4, at least 3 needed\): this is a commonly used password; add more words that are less common/);
    expect(weak.output).not.toMatch(/again: /);
    expect(existsSync(remoteDir)).toBe(false);

    const ok = await onTerminal(args, env, [{ prompt: 'New passphrase: ', reply: strong }, { prompt: 'again: ', reply: strong }]);
    expect(ok.output).toMatch(/Created vault/);
    expect(ok.code).toBe(0);
    expect(ok.output).not.toContain(strong); // not echoed
    const status = await runCli(['status', '--json'], { ...env, COFFER_PASSPHRASE: strong });
    expect(JSON.parse(status.stdout)).toMatchObject({ key: 'passphrase', keyState: 'enabled' });
  });

  it('COFFER_PASSPHRASE at init and COFFER_NEW_PASSPHRASE for change-passphrase meet the same rule', async () => {
    sb = await sandbox();
    const remoteDir = join(sb.root, 'remote');
    const args = ['init', sb.folder, '--remote', `file://${remoteDir}`, '--key', 'passphrase'];
    const short = await runCli(args, { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'Xq9!k' });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^coffer: a passphrase needs at least 8 characters \(from COFFER_PASSPHRASE\); no vault was created\n/);
    const weak = await runCli(args, { COFFER_HOME: sb.home, COFFER_PASSPHRASE: '12345678' });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/too easy to guess \(strength 0 of 4.*one of the most used passwords/);
    expect(existsSync(remoteDir)).toBe(false);
    expect(await readdir(sb.home).catch(() => [])).toEqual([]);

    const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: strong };
    expect((await runCli(args, env)).code).toBe(0);
    const change = await runCli(['keys', 'change-passphrase'], { ...env, COFFER_NEW_PASSPHRASE: 'aaaaaaaaaaaa' });
    expect(change.code).toBe(2);
    expect(change.stderr).toMatch(/^coffer: this passphrase is too easy to guess \(strength 0 of 4.*repeated characters like "aaa" are easy to guess.*\(from COFFER_NEW_PASSPHRASE\); nothing was changed\n/);
    expect((await runCli(['status'], env)).code).toBe(0); // the old passphrase still opens it
  });
});
