// The real CLI against the real S3 server: modes a hostile manifest can carry, and a restore killed with
// kill -9 mid-file, whose plaintext temp file the next restore must remove.
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freshRemote, sandbox, type Sandbox } from './harness.ts';
import { runCli, startCli } from './cli-harness.ts';

const PASS = 'restore hardening passphrase';
const TEMP = /^\.coffer-restore-[0-9a-f]{16}\.tmp$/;

async function syncedVault(sb: Sandbox): Promise<NodeJS.ProcessEnv> {
  const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: PASS };
  const { remote, endpoint } = await freshRemote('s3', sb);
  const init = await runCli(['init', sb.folder, '--remote', remote, '--endpoint', endpoint!, '--key', 'passphrase', '--recovery-kit', join(sb.root, 'kit.txt')], env);
  expect(init.stderr).toBe('');
  const sync = await runCli(['sync', '--json'], env);
  expect(sync.stderr).toBe('');
  expect(JSON.parse(sync.stdout)).toMatchObject({ complete: true });
  return env;
}

const modeOf = async (p: string) => (await lstat(p)).mode & 0o7777;

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('coffer restore on a real bucket', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('drops set-uid, set-gid, sticky and world-write bits unless --preserve-mode is given', async () => {
    sb = await sandbox(PASS);
    const f = sb.folder;
    for (const name of ['suid.sh', 'sgid.sh', 'world.txt', 'plain.txt']) await writeFile(join(f, name), name);
    for (const name of ['world-dir', 'sticky-dir', 'sgid-dir']) {
      await mkdir(join(f, name));
      await writeFile(join(f, name, 'inside.txt'), name);
    }
    const crafted: Record<string, number> = {
      'suid.sh': 0o4755, 'sgid.sh': 0o2755, 'world.txt': 0o777, 'plain.txt': 0o640,
      'world-dir': 0o777, 'sticky-dir': 0o1777, 'sgid-dir': 0o2755,
    };
    for (const [name, mode] of Object.entries(crafted)) await chmod(join(f, name), mode);
    for (const [name, mode] of Object.entries(crafted)) expect(await modeOf(join(f, name))).toBe(mode);
    const env = await syncedVault(sb);

    const plain = join(sb.root, 'plain');
    const r1 = await runCli(['restore', '--to', plain], env);
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    const safe: Record<string, number> = {};
    for (const name of Object.keys(crafted)) safe[name] = await modeOf(join(plain, name));
    expect(safe).toEqual({
      'suid.sh': 0o755, 'sgid.sh': 0o755, 'world.txt': 0o775, 'plain.txt': 0o640,
      'world-dir': 0o775, 'sticky-dir': 0o775, 'sgid-dir': 0o755,
    });

    const kept = join(sb.root, 'kept');
    const r2 = await runCli(['restore', '--to', kept, '--preserve-mode'], env);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
    const preserved: Record<string, number> = {};
    for (const name of Object.keys(crafted)) preserved[name] = await modeOf(join(kept, name));
    expect(preserved).toEqual(crafted);
    expect(await readFile(join(kept, 'sticky-dir', 'inside.txt'), 'utf8')).toBe('sticky-dir');
  });

  it('a restore killed mid-file leaves a temp file; the next restore removes it and completes byte-identical', async () => {
    sb = await sandbox(PASS);
    const big = randomBytes(12 * 1024 * 1024);
    await mkdir(join(sb.folder, 'media'));
    await writeFile(join(sb.folder, 'media', 'big.bin'), big);
    await writeFile(join(sb.folder, 'note.txt'), 'small');
    const env = await syncedVault(sb);

    const out = join(sb.root, 'out');
    await mkdir(join(out, 'media'), { recursive: true });
    // Files of the user's own whose names only resemble Coffer's temp names: never removed.
    const lookalikes = ['.coffer-restore-notes.tmp', '.coffer-restore-0123456789abcdef.tmp.keep', '.coffer-restore-0123456789ABCDEF.tmp'];
    for (const name of lookalikes) await writeFile(join(out, 'media', name), 'mine');

    // 512 KiB/s: the 12 MiB file takes about 24 s, so it is surely still being written when killed.
    const child = startCli(['restore', '--to', out, '--bwlimit', '512'], env);
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
    const temp = await until('a temp file with data in it', async () => {
      const names = await readdir(join(out, 'media')).catch(() => []);
      const t = names.find((n) => TEMP.test(n));
      if (!t) return null;
      const st = await stat(join(out, 'media', t)).catch(() => null);
      return st && st.size > 0 ? t : null;
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const left = await stat(join(out, 'media', temp));
    expect(left.size).toBeGreaterThan(0);
    expect(left.size).toBeLessThan(big.length);
    expect(await readdir(join(out, 'media'))).not.toContain('big.bin');

    // note.txt may or may not have been published before the kill; the second run overwrites nothing.
    const noteDone = (await readdir(out)).includes('note.txt');
    const again = await runCli(['restore', '--to', out, '--path', 'media', '--json'], env);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ restored: 2, leftoversRemoved: 1, problems: [] });
    expect((await readdir(join(out, 'media'))).sort()).toEqual(['big.bin', ...lookalikes].sort());
    expect((await readFile(join(out, 'media', 'big.bin'))).equals(big)).toBe(true);
    if (!noteDone) {
      expect((await runCli(['restore', '--to', out, '--path', 'note.txt'], env)).code).toBe(0);
    }
    expect(await readFile(join(out, 'note.txt'), 'utf8')).toBe('small');
  }, 120_000);
});
