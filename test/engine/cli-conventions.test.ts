// The CLI's conventions through the real binary: per-command options and help, exit 2 with the command's
// usage, cwd-relative paths, strict --at, restore into a non-empty folder, Windows-only names on Linux.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sandbox, snapshot, type Sandbox } from './harness.ts';
import { COFFER_BIN, assertBuilt, runCli, type CliResult } from './cli-harness.ts';

/** The CLI run from another folder (paths on its command line are relative to that folder). */
function runIn(cwd: string, args: string[], env: NodeJS.ProcessEnv, node: string[] = []): Promise<CliResult> {
  assertBuilt();
  const child = spawn(process.execPath, [...node, COFFER_BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('command-line conventions', () => {
  let sb: Sandbox;
  let env: NodeJS.ProcessEnv;
  // Names Linux allows and Windows does not, plus a leading "x:" that only Windows reads as a drive.
  const windowsOnly = ['aux.c', 'CON', 'ends with dot.', 'ends with space ', 'x:colon'];

  beforeAll(async () => {
    sb = await sandbox();
    env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'conventions passphrase' };
    await mkdir(join(sb.folder, 'notes'));
    await writeFile(join(sb.folder, 'notes/a.txt'), 'alpha');
    await writeFile(join(sb.folder, 'notes/b.txt'), 'beta');
    for (const name of windowsOnly) await writeFile(join(sb.folder, name), `content of ${name}`);
    const init = await runCli(['init', sb.folder, '--remote', `file://${join(sb.root, 'remote')}`, '--key', 'passphrase'], env);
    expect(init.stderr).toBe('');
    const sync = await runCli(['sync', '--json'], env);
    expect(JSON.parse(sync.stdout)).toMatchObject({ complete: true, errors: 0 });
  }, 60_000);
  afterAll(async () => sb?.cleanup());

  it('each command has its own help; an option of another command is a usage error naming this one', async () => {
    const help = await runCli(['sync', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: coffer sync \[options\] \[folder\]/);
    expect(help.stdout).toMatch(/--allow-mass-delete/);
    expect(help.stdout).not.toMatch(/--days/);
    const rotate = await runCli(['keys', 'rotate', '--help'], env);
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toMatch(/^Usage: coffer keys rotate \[options\] \[key\]/);

    const days = await runCli(['sync', '--days', '3'], env);
    expect(days.code).toBe(2);
    expect(days.stderr).toBe("coffer: unknown option '--days'\nUsage: coffer sync [options] [folder]\nRun \"coffer sync --help\" for its options.\n");
    const extra = await runCli(['status', 'a', 'b'], env);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/^coffer: too many arguments for 'status'.*\nUsage: coffer status \[options\] \[folder\]\n/);
    const missing = await runCli(['versions'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^coffer: missing required argument 'path'\nUsage: coffer versions/);
    const badValue = await runCli(['keys', 'set-rotation', '--days', 'soon'], env);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toMatch(/^coffer: option '--days <n>' argument 'soon' is invalid\. It must be a whole number.*\nUsage: coffer keys set-rotation/);
    const badChoice = await runCli(['history', '--action', 'uploads'], env);
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toMatch(/^coffer: option '--action <action>' argument 'uploads' is invalid/);
    const both = await runCli(['restore', '--to', join(sb.root, 'x'), '--overwrite', '--skip-existing'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with/);
    const json = await runCli(['sync', '--days', '3', '--json'], env);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: "unknown option '--days'" });
  });

  it('--help and usage errors do not load the AWS SDK', async () => {
    const hooks = fileURLToPath(new URL('./support/log-imports.mjs', import.meta.url));
    for (const args of [['--help'], ['restore', '--help'], ['sync', '--days', '3']]) {
      const r = await runIn(sb.root, args, { ...env, COFFER_LOG_IMPORTS: '1' }, ['--import', hooks]);
      expect(r.code === 0 || r.code === 2).toBe(true);
      const imported = r.stderr.split('\n').filter((l) => l.startsWith('import: '));
      expect(imported.length).toBeGreaterThan(0); // the hook did run
      expect(imported.filter((l) => /@aws-sdk|@aws-crypto|commands\//.test(l))).toEqual([]);
    }
  });

  it('paths are relative to the current folder: versions, restore --path and --to, folder arguments', async () => {
    const notes = join(sb.folder, 'notes');
    const versions = await runIn(notes, ['versions', 'a.txt', '--json'], env);
    expect(versions.stderr).toBe('');
    expect(JSON.parse(versions.stdout)).toHaveLength(1);
    const fromTop = await runIn(sb.folder, ['versions', 'notes/b.txt', '--json'], env);
    expect(JSON.parse(fromTop.stdout)).toHaveLength(1);

    // Inside the folder, --path is relative to where you are; --to is relative to it too.
    const here = await runIn(notes, ['restore', '--path', 'a.txt', '--to', '../../out-rel', '--json'], env);
    expect(here.stderr).toBe('');
    expect(await readdir(join(sb.root, 'out-rel'))).toEqual(['notes']);
    expect(await readFile(join(sb.root, 'out-rel/notes/a.txt'), 'utf8')).toBe('alpha');
    // Outside it, --path is the vault's own path, as before; the folder argument is relative.
    const outside = await runIn(sb.root, ['restore', 'folder', '--path', 'notes/b.txt', '--to', 'out-outside'], env);
    expect(outside.stderr).toBe('');
    expect(await readFile(join(sb.root, 'out-outside/notes/b.txt'), 'utf8')).toBe('beta');
    const status = await runIn(sb.root, ['status', 'folder', '--json'], env);
    expect(JSON.parse(status.stdout).folder).toBe(sb.folder);
  });

  it('--at takes ISO-8601 or a documented time ago, and refuses the rest with exit 2', async () => {
    for (const at of ['Dec 1', '12', '2026-02-31', 'last week']) {
      const r = await runCli(['restore', '--to', join(sb.root, 'never'), '--at', at], env);
      expect(r.code, at).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^coffer: --at: "${at}" is not a time Coffer reads; give ISO-8601`));
    }
    await expect(readdir(join(sb.root, 'never'))).rejects.toThrow(/ENOENT/);
    const old = await runCli(['restore', '--to', join(sb.root, 'at-old'), '--at', '2000-01-01T00:00:00Z'], env);
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/no version as old as 2000-01-01T00:00:00.000Z/);
    const recent = await runCli(['restore', '--to', join(sb.root, 'at-now'), '--at', '0m', '--path', 'notes'], env);
    expect(recent.stderr).toBe('');
    expect(await readFile(join(sb.root, 'at-now/notes/a.txt'), 'utf8')).toBe('alpha');
    const help = await runCli(['restore', '--help'], env);
    expect(help.stdout).toMatch(/--at <time>.*ISO-8601/s);
    expect(help.stdout).toMatch(/2d/);
  });

  it('restore into a folder that holds some of the files: one message and a choice, nothing written', async () => {
    const to = join(sb.root, 'busy');
    await mkdir(join(to, 'notes'), { recursive: true });
    await writeFile(join(to, 'notes/a.txt'), 'mine');
    await writeFile(join(to, 'unrelated.txt'), 'mine too');
    const refused = await runCli(['restore', '--to', to, '--path', 'notes'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`coffer: ${to} already holds 1 file this restore would write (notes/a.txt); nothing was written. `
      + 'Re-run with --overwrite to replace them, or --skip-existing to keep them and restore the rest\n');
    expect((await readdir(join(to, 'notes'))).sort()).toEqual(['a.txt']);

    const skipped = await runCli(['restore', '--to', to, '--path', 'notes', '--skip-existing', '--json'], env);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ skipped: 1, problems: [] });
    expect(await readFile(join(to, 'notes/a.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(to, 'notes/b.txt'), 'utf8')).toBe('beta');

    const overwritten = await runCli(['restore', '--to', to, '--path', 'notes', '--overwrite'], env);
    expect(overwritten.code).toBe(0);
    expect(await readFile(join(to, 'notes/a.txt'), 'utf8')).toBe('alpha');
    expect(await readFile(join(to, 'unrelated.txt'), 'utf8')).toBe('mine too');

    const file = join(sb.root, 'a-file');
    await writeFile(file, 'not a folder');
    const toFile = await runCli(['restore', '--to', file], env);
    expect(toFile.code).toBe(2);
    expect(toFile.stderr).toBe(`coffer: --to ${file} is a file, not a folder; give a folder to restore into (it is created when missing)\n`);
  });

  it('the same choice on a restore from the bucket alone (a new machine)', async () => {
    const kit = join(sb.root, 'kit.txt');
    const exported = await runCli(['keys', 'export-recovery'], env);
    await writeFile(kit, exported.stdout);
    const to = join(sb.root, 'remote-busy');
    await mkdir(to);
    await writeFile(join(to, 'CON'), 'mine');
    const newMachine = { COFFER_HOME: join(sb.root, 'other-home') };
    const args = ['restore', '--remote', `file://${join(sb.root, 'remote')}`, '--recovery-key', `@${kit}`, '--to', to];
    const refused = await runCli(args, newMachine);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already holds 1 file this restore would write \(CON\); nothing was written\. Re-run with --overwrite/);
    expect(await readdir(to)).toEqual(['CON']);
    const skipped = await runCli([...args, '--skip-existing'], newMachine);
    expect(skipped.stderr).toBe('');
    expect(await readFile(join(to, 'CON'), 'utf8')).toBe('mine');
    expect(await readFile(join(to, 'notes/a.txt'), 'utf8')).toBe('alpha');
  });

  it.skipIf(process.platform === 'win32')('names Windows cannot hold are restored on Linux and macOS, byte-identical', async () => {
    const to = join(sb.root, 'windows-names');
    const r = await runCli(['restore', '--to', to, '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).problems).toEqual([]);
    expect(await snapshot(to)).toEqual(await snapshot(sb.folder));
    for (const name of windowsOnly) expect(await readFile(join(to, name), 'utf8')).toBe(`content of ${name}`);
  });
});

describe('a Coffer folder registered through a symlink', () => {
  it.skipIf(process.platform === 'win32')('versions finds the vault from inside it (the shell reports the real path)', async () => {
    const sb = await sandbox();
    try {
      const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'symlinked folder passphrase' };
      await mkdir(join(sb.folder, 'notes'));
      await writeFile(join(sb.folder, 'notes/a.txt'), 'alpha');
      const alias = join(sb.root, 'alias');
      await symlink(sb.folder, alias);
      expect((await runCli(['init', alias, '--remote', `file://${join(sb.root, 'remote')}`, '--key', 'passphrase'], env)).code).toBe(0);
      // (sync refuses a folder given through a symlink today, so there is nothing stored: the lookup is what is tested)
      const versions = await runIn(join(sb.folder, 'notes'), ['versions', 'a.txt'], env);
      expect(versions.stderr).toBe('');
      expect(versions.stdout).toBe('notes/a.txt has no stored versions\n');
    } finally {
      await sb.cleanup();
    }
  });
});

describe('coffer on the PATH', () => {
  it.skipIf(process.platform === 'win32')('runs through a link in another folder, as `npm install --global .` makes it', async () => {
    const sb = await sandbox();
    try {
      const bin = join(sb.root, 'bin');
      await mkdir(bin);
      await symlink(COFFER_BIN, join(bin, 'coffer'));
      const child = spawn('coffer', ['--help'], { cwd: sb.folder, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: coffer \[options\] \[command\]/);
    } finally {
      await sb.cleanup();
    }
  });
});
