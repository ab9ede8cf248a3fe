import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { FsScanner } from '../../src-main/engine/scan/fs-scanner.ts';
import { IgnoreRules } from '../../src-main/engine/scan/ignore-rules.ts';
import type { IndexedEntry, ScanResult } from '../../src-main/engine/ports/scanner.ts';
import { lateClock, tempTree } from './temp-tree.ts';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function tree(files: Record<string, string>) {
  const t = await tempTree(files);
  cleanups.push(t.cleanup);
  return t.root;
}

const scan = async (root: string, index: Map<string, IndexedEntry> = new Map()) =>
  new FsScanner({ root, ignore: await IgnoreRules.load(root), clock: lateClock }).scan(index);

describe('FsScanner special files', () => {
  it('skips a FIFO with reason fifo and never opens it (an open would hang)', async () => {
    const root = await tree({ 'a.txt': 'a' });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const r = await scan(root);
    expect(r.skipped).toEqual([{ path: 'pipe', reason: 'fifo' }]);
    expect(r.candidates.map((c) => c.path)).toEqual(['a.txt']);
  });

  it('skips a unix socket with reason socket', async () => {
    const root = await tree({ 'a.txt': 'a' });
    const server: Server = createServer();
    await new Promise<void>((res) => server.listen(join(root, 'app.sock'), res));
    cleanups.push(() => new Promise<void>((res) => server.close(() => res())));
    const r = await scan(root);
    expect(r.skipped).toEqual([{ path: 'app.sock', reason: 'socket' }]);
  });

  it('skips a device node with reason device', async (ctx) => {
    const root = await tree({});
    try {
      execFileSync('mknod', [join(root, 'null-dev'), 'c', '1', '3'], { stdio: 'pipe' });
    } catch (err) {
      ctx.skip(`mknod not permitted here (needs CAP_MKNOD): ${(err as Error).message.split('\n')[0]}`);
    }
    const r = await scan(root);
    expect(r.skipped).toEqual([{ path: 'null-dev', reason: 'device' }]);
  });

  it('a special file that matches an ignore rule is not reported at all', async () => {
    const root = await tree({ '.cofferignore': '*.pipe\n' });
    execFileSync('mkfifo', [join(root, 'x.pipe')]);
    const r = await scan(root);
    expect(r.skipped).toEqual([]);
  });

  it('permission denied on a file and a folder: skipped with the reason, and not deleted', async (ctx) => {
    const root = await tree({ 'open.txt': 'o', 'secret.txt': 's', 'locked/inner.txt': 'i', 'listable/f.txt': 'f' });
    await chmod(root, 0o755);
    await chmod(join(root, 'secret.txt'), 0o600);
    await chmod(join(root, 'locked'), 0o700);
    await chmod(join(root, 'listable'), 0o744); // r without x: names listable, lstat denied
    const index = new Map<string, IndexedEntry>(
      ['open.txt', 'secret.txt', 'locked', 'locked/inner.txt', 'listable', 'listable/f.txt'].map((p) => [
        p, { kind: p === 'locked' || p === 'listable' ? 'dir' : 'file', size: 0, mtimeMs: 0, mode: 0 },
      ]),
    );
    let r: ScanResult;
    if (process.getuid?.() === 0) {
      // Root reads through chmod 000, so the scan runs in a child that drops to uid 65534 (nobody).
      const child = resolve('test/scan/fixtures/scan-as-nobody.ts');
      let out: string;
      try {
        out = execFileSync(process.execPath, ['--import', resolve('test/support/ts-loader.mjs'), child, root, JSON.stringify([...index])], {
          encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (err) {
        return ctx.skip(`cannot run a scan as another uid here: ${(err as Error).message.split('\n')[0]}`);
      }
      const parsed = JSON.parse(out) as { uid: number; result: ScanResult };
      expect(parsed.uid).toBe(65534);
      r = parsed.result;
    } else {
      await chmod(join(root, 'secret.txt'), 0o000);
      await chmod(join(root, 'locked'), 0o000);
      await chmod(join(root, 'listable'), 0o444);
      cleanups.push(() => chmod(join(root, 'locked'), 0o755).then(() => chmod(join(root, 'listable'), 0o755)));
      r = await scan(root, index);
    }
    expect(r.skipped.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'listable/f.txt', reason: 'permission denied' },
      { path: 'locked', reason: 'permission denied' },
      { path: 'secret.txt', reason: 'permission denied' },
    ]);
    expect(r.deleted).toEqual([]);
    expect(r.candidates.map((c) => c.path).sort()).toEqual(['listable', 'locked', 'open.txt']);
  });

  it('zero-byte files are ordinary candidates and stable on rescan', async () => {
    const root = await tree({ 'e1': '', 'd/e2': '' });
    await mkdir(join(root, 'd/empty-dir'));
    await writeFile(join(root, 'e3'), Buffer.alloc(0));
    const r = await scan(root);
    expect(r.candidates.filter((c) => c.kind === 'file').map((c) => [c.path, c.size]).sort()).toEqual([['d/e2', 0], ['e1', 0], ['e3', 0]]);
    const index = new Map(r.candidates.map((c) => [c.path, c]));
    expect((await scan(root, index)).candidates).toEqual([]);
  });
});
