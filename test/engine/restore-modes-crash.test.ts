// The real CLI on a real sync (a file:// remote: what is tested here is the restore side, and the bandwidth
// limit wraps every store alike): modes a hostile manifest can carry, and a restore killed with kill -9
// mid-file, whose plaintext temp file the next restore must remove.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initVault, sandbox, snapshot, type Sandbox } from './harness.ts';
import { runCli, startCli } from './cli-harness.ts';

const PASS = 'restore hardening passphrase';
const TEMP = /^\.coffer-restore-[0-9a-f]{16}\.tmp$/;
const CRAFTED: Record<string, number> = {
  'suid.sh': 0o4755, 'sgid.sh': 0o2755, 'world.txt': 0o777, 'plain.txt': 0o640,
  'world-dir': 0o777, 'sticky-dir': 0o1777, 'sgid-dir': 0o2755,
};

let sb: Sandbox;
let env: NodeJS.ProcessEnv;
const big = randomBytes(12 * 1024 * 1024);

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

describe('coffer restore of crafted modes and after a kill -9', () => {
  // One vault for both tests: made by the engine (cheap test scrypt), synced by the real CLI.
  beforeAll(async () => {
    sb = await sandbox(PASS);
    const f = sb.folder;
    for (const name of ['suid.sh', 'sgid.sh', 'world.txt', 'plain.txt']) await writeFile(join(f, name), name);
    for (const name of ['world-dir', 'sticky-dir', 'sgid-dir']) {
      await mkdir(join(f, name));
      await writeFile(join(f, name, 'inside.txt'), name);
    }
    // A hostile bucket can carry any mode; crafting them on the source is the simplest way to get them there.
    for (const [name, mode] of Object.entries(CRAFTED)) await chmod(join(f, name), mode);
    for (const [name, mode] of Object.entries(CRAFTED)) expect(await modeOf(join(f, name))).toBe(mode);
    await mkdir(join(f, 'media'));
    await writeFile(join(f, 'media', 'big.bin'), big);
    const { vault } = await initVault(sb, 'file');
    await vault.close();
    env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: PASS };
    const sync = await runCli(['sync', '--json'], env);
    expect(sync.stderr).toBe('');
    expect(JSON.parse(sync.stdout)).toMatchObject({ complete: true });
  }, 120_000);

  afterAll(async () => sb?.cleanup());

  it('drops set-uid, set-gid, sticky and world-write bits unless --preserve-mode is given', async () => {
    const plain = join(sb.root, 'plain');
    const r1 = await runCli(['restore', '--to', plain], env);
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    expect(await snapshot(plain)).toEqual(await snapshot(sb.folder));
    const safe: Record<string, number> = {};
    for (const name of Object.keys(CRAFTED)) safe[name] = await modeOf(join(plain, name));
    expect(safe).toEqual({
      'suid.sh': 0o755, 'sgid.sh': 0o755, 'world.txt': 0o775, 'plain.txt': 0o640,
      'world-dir': 0o775, 'sticky-dir': 0o775, 'sgid-dir': 0o755,
    });

    const kept = join(sb.root, 'kept');
    const r2 = await runCli(['restore', '--to', kept, '--preserve-mode'], env);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
    const preserved: Record<string, number> = {};
    for (const name of Object.keys(CRAFTED)) preserved[name] = await modeOf(join(kept, name));
    expect(preserved).toEqual(CRAFTED);
    expect(await readFile(join(kept, 'sticky-dir', 'inside.txt'), 'utf8')).toBe('sticky-dir');
  });

  it('a restore killed mid-file leaves a temp file; the next restore removes it and completes byte-identical', async () => {
    const out = join(sb.root, 'out');
    await mkdir(join(out, 'media'), { recursive: true });
    // Files of the user's own whose names only resemble Coffer's temp names: never removed.
    const lookalikes = ['.coffer-restore-notes.tmp', '.coffer-restore-0123456789abcdef.tmp.keep', '.coffer-restore-0123456789ABCDEF.tmp'];
    for (const name of lookalikes) await writeFile(join(out, 'media', name), 'mine');

    // 512 KiB/s: the 12 MiB file takes about 24 s, so it is surely still being written when killed.
    const child = startCli(['restore', '--to', out, '--path', 'media', '--bwlimit', '512'], env);
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

    const again = await runCli(['restore', '--to', out, '--path', 'media', '--json'], env);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect((await readdir(join(out, 'media'))).sort()).toEqual(['big.bin', ...lookalikes].sort());
    expect(JSON.parse(again.stdout)).toMatchObject({ restored: 2, leftoversRemoved: 1, problems: [] });
    expect((await readFile(join(out, 'media', 'big.bin'))).equals(big)).toBe(true);
  }, 120_000);
});
