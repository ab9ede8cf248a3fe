import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, mkdir, rm, chmod, readdir } from 'node:fs/promises';
import { appendFileSync } from 'node:fs';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { runSyncPass, type SyncPassDeps } from '../../src-main/engine/sync/sync-pass.ts';
import { FileJournal } from '../../src-main/engine/journal/file-journal.ts';
import { FsScanner } from '../../src-main/engine/scan/fs-scanner.ts';
import { IgnoreRules } from '../../src-main/engine/scan/ignore-rules.ts';
import type { FileChunker } from '../../src-main/engine/sync/chunked-upload.ts';
import { loadIndex, saveIndex } from '../../src-main/engine/sync/local-index.ts';
import type { Scanner } from '../../src-main/engine/ports/scanner.ts';
import type { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { systemClock, systemRandom } from '../../src-main/engine/ports/clock.ts';
import { assertBuilt, COFFER_BIN, type CliResult } from './cli-harness.ts';
import { sandbox, initVault, type Sandbox } from './harness.ts';

/** One pass with a chosen scanner and sealer, so a test can change the folder at an exact point. */
async function passWith(vault: LocalVault, folder: string, over: Partial<SyncPassDeps>) {
  const journal = await FileJournal.open(vault.paths.dir);
  try {
    const index = await loadIndex(vault.paths.index);
    const r = await runSyncPass({
      root: folder, vaultId: vault.vaultId, deviceId: vault.settings.deviceId, store: vault.store, sealer: vault.sealer,
      manifest: vault.manifest, journal, history: await vault.history(),
      scanner: new FsScanner({ root: folder, ignore: await IgnoreRules.load(folder), excludeAbsolute: [vault.env.home] }),
      clock: systemClock, random: systemRandom, spoolDir: vault.paths.spool, keyVersion: async () => 1, massDeleteThreshold: 0.5,
      chunker: () => vault.chunker(), ...over,
    }, index);
    await saveIndex(vault.paths.index, r.index);
    return r;
  } finally {
    await journal.close();
  }
}

// Root reads everything, so the CLI runs without the power to: as root (as in CI) with CAP_DAC_OVERRIDE and
// CAP_DAC_READ_SEARCH dropped by setpriv, which needs no change of owner anywhere; as root without setpriv,
// as `nobody` (the checkout must then be readable by it); as anyone else, as that user, whom chmod 000
// already stops.
const asRoot = process.getuid?.() === 0;
const hasSetpriv = asRoot && spawnSync('setpriv', ['--version']).status === 0;
const how = !asRoot ? 'this user' : hasSetpriv ? 'root without CAP_DAC_OVERRIDE' : 'nobody';

function runCliAs(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  assertBuilt();
  const node = [process.execPath, COFFER_BIN, ...args];
  const [cmd, ...argv] = hasSetpriv ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', ...node] : node;
  const child = spawn(cmd!, argv, {
    env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot && !hasSetpriv ? { uid: 65534, gid: 65534 } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('every file left out of the vault is counted, named, and makes the pass incomplete', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it.skipIf(process.platform === 'win32')(`unreadable files and folders (as ${how}): named by sync and status, exit 3, stored once readable`, async () => {
    sb = await sandbox();
    const f = sb.folder;
    await writeFile(join(f, 'ok.txt'), 'readable');
    await writeFile(join(f, 'secret.txt'), 'unreadable');
    await mkdir(join(f, 'locked'));
    await writeFile(join(f, 'locked', 'inside.txt'), 'in an unreadable folder');
    await mkdir(sb.home);
    if (asRoot && !hasSetpriv) execFileSync('chown', ['-R', '65534:65534', sb.root]);
    await chmod(sb.root, 0o755);
    await chmod(join(f, 'secret.txt'), 0o000);
    await chmod(join(f, 'locked'), 0o000);
    const env = { COFFER_HOME: sb.home, HOME: sb.home, COFFER_PASSPHRASE: 'not-stored test' };

    const init = await runCliAs(['init', f, '--remote', `file://${join(sb.root, 'remote')}`, '--key', 'passphrase', '--json'], env);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const sync = await runCliAs(['sync', f, '--json'], env);
    expect(sync.code).toBe(3);
    const r = JSON.parse(sync.stdout);
    expect(r).toMatchObject({ complete: false, errors: 2, uploaded: 1 });
    expect(r.problems.map((p: { path: string }) => p.path).sort()).toEqual(['locked', 'secret.txt']);
    for (const p of r.problems) expect(p.reason).toMatch(/permission denied/);

    const human = await runCliAs(['sync', f], env);
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/0 skipped, 2 errors/);
    expect(human.stdout).toMatch(/2 files are not in the vault:\n {2}locked: permission denied.*\n {2}secret\.txt: permission denied/);

    const status = await runCliAs(['status', f], env);
    expect(status.stdout).toMatch(/2 files are not in the vault:\n {2}locked: .*\n {2}secret\.txt: /);
    const statusJson = JSON.parse((await runCliAs(['status', f, '--json'], env)).stdout);
    expect(statusJson.notStored.map((p: { path: string }) => p.path)).toEqual(['locked', 'secret.txt']);

    await chmod(join(f, 'secret.txt'), 0o644);
    await chmod(join(f, 'locked'), 0o755);
    const fixed = await runCliAs(['sync', f, '--json'], env);
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ complete: true, errors: 0, uploaded: 2, problems: [] });
    expect((await runCliAs(['status', f], env)).stdout).not.toMatch(/not in the vault/);
  });

  it('a file that keeps growing while read is counted as not stored, then stored by the next pass', async () => {
    sb = await sandbox();
    const busy = join(sb.folder, 'growing.log');
    await writeFile(busy, Buffer.alloc(3 * 1024 * 1024, 7)); // large: chunked, and checked unchanged after the read
    await writeFile(join(sb.folder, 'calm.txt'), 'calm');
    const { vault } = await initVault(sb, 'file');
    // While the pass reads the log, it grows (after each chunk the chunker hands out): every read is torn.
    let growing = true;
    const chunker = async (): Promise<FileChunker> => {
      const inner = await vault.chunker();
      return {
        chunk(abs) {
          const read = inner.chunk(abs);
          return {
            sha256: () => read.sha256(),
            chunks: (async function* () {
              for await (const c of read.chunks) {
                yield c;
                if (growing) appendFileSync(busy, 'more\n'); // lands before the read ends
              }
            })(),
          };
        },
      };
    };
    const first = await passWith(vault, sb.folder, { chunker });
    expect(first.complete).toBe(false);
    expect(first.problems).toEqual([{ path: 'growing.log', reason: expect.stringMatching(/changed while being read/) }]);
    expect(first.skipped).toBe(1);
    expect([...(await vault.tree()).tree.keys()]).toEqual(['calm.txt']);
    expect((await loadIndex(vault.paths.index)).notStored?.map((p) => p.path)).toEqual(['growing.log']);
    growing = false;
    const second = await passWith(vault, sb.folder, {});
    expect(second).toMatchObject({ complete: true, problems: [], uploaded: 1 });
    expect((await vault.tree()).tree.get('growing.log')?.size).toBeGreaterThan(3 * 1024 * 1024);
    expect((await loadIndex(vault.paths.index)).notStored).toEqual([]);
    await vault.close();
  });

  it('a file replaced by a folder between the scan and its read is counted, and the folder is stored next pass', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'stays.txt'), 'stays');
    await writeFile(join(sb.folder, 'shape'), 'a file for now');
    const { vault } = await initVault(sb, 'file');
    const inner = new FsScanner({ root: sb.folder, ignore: await IgnoreRules.load(sb.folder) });
    const racing: Scanner = { scan: async (index, opts) => {
      const result = await inner.scan(index, opts);
      await rm(join(sb.folder, 'shape'));
      await mkdir(join(sb.folder, 'shape'));
      await writeFile(join(sb.folder, 'shape', 'child.txt'), 'now a folder');
      return result;
    } };
    const first = await passWith(vault, sb.folder, { scanner: racing });
    expect(first.complete).toBe(false);
    expect(first.problems).toEqual([{ path: 'shape', reason: expect.stringMatching(/replaced by a folder/) }]);
    const second = await passWith(vault, sb.folder, {});
    expect(second).toMatchObject({ complete: true, problems: [] });
    const { tree } = await vault.tree();
    expect([...tree.keys()].sort()).toEqual(['shape', 'shape/child.txt', 'stays.txt']);
    expect(tree.get('shape')?.type).toBe('dir');
    await vault.close();
  });

  it('a FIFO is counted as not stored until the user ignores it; a watch batch elsewhere does not forget it', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'a');
    execFileSync('mkfifo', [join(sb.folder, 'pipe')]);
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    const first = await syncer.sync();
    expect(first.complete).toBe(false);
    expect(first.problems).toEqual([{ path: 'pipe', reason: expect.stringMatching(/fifo: .*\.cofferignore/) }]);
    await writeFile(join(sb.folder, 'b.txt'), 'b');
    const scoped = await syncer.sync({ scope: ['b.txt'] });
    expect(scoped.problems).toEqual([]);
    expect((await loadIndex(vault.paths.index)).notStored?.map((p) => p.path)).toEqual(['pipe']);
    await writeFile(join(sb.folder, '.cofferignore'), 'pipe\n');
    await syncer.close();
    const ignored = new VaultSyncer(vault); // fresh ignore rules
    expect(await ignored.sync()).toMatchObject({ complete: true, problems: [] });
    expect((await loadIndex(vault.paths.index)).notStored).toEqual([]);
    await ignored.close();
    expect((await readdir(sb.folder)).sort()).toEqual(['.cofferignore', 'a.txt', 'b.txt', 'pipe']);
    await vault.close();
  });
});
