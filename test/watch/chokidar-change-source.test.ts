import { afterEach, describe, expect, it } from 'vitest';
import { appendFile, mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watch } from 'chokidar';
import { ChokidarChangeSource } from '../../src-main/engine/watch/chokidar-change-source.ts';
import { IgnoreRules } from '../../src-main/engine/scan/ignore-rules.ts';
import type { ChangeHint } from '../../src-main/engine/ports/change-source.ts';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'coffer-watch-'));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

async function startSource(root: string, extra: Partial<ConstructorParameters<typeof ChokidarChangeSource>[0]> = {}) {
  const hints: ChangeHint[] = [];
  const src = new ChokidarChangeSource({ root, ignore: await IgnoreRules.load(root), ...extra });
  await src.start((h) => hints.push(h));
  cleanups.push(() => src.stop());
  return { src, hints };
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const has = (hints: ChangeHint[], kind: ChangeHint['kind'], path: string) => hints.some((h) => h.kind === kind && h.path === path);
/** A marker written last: once its hint arrives, earlier events have been delivered too. */
async function settle(root: string, hints: ChangeHint[], name = `marker-${Math.random().toString(36).slice(2)}`) {
  await writeFile(join(root, name), 'm');
  await until(() => has(hints, 'add', name), `marker ${name}`);
}

describe('ChokidarChangeSource', () => {
  it('emits hints with relative / paths for adds, changes, folders and removals', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'existing'));
    await writeFile(join(root, 'existing/old.txt'), 'o');
    const { hints } = await startSource(root);
    expect(hints).toEqual([]); // no initial events
    await mkdir(join(root, 'sub/deep'), { recursive: true });
    await until(() => has(hints, 'addDir', 'sub'), 'addDir sub');
    await writeFile(join(root, 'sub/deep/new.txt'), 'n');
    await until(() => has(hints, 'add', 'sub/deep/new.txt'), 'add nested');
    await appendFile(join(root, 'existing/old.txt'), 'more');
    await until(() => has(hints, 'change', 'existing/old.txt'), 'change');
    await unlink(join(root, 'existing/old.txt'));
    await until(() => has(hints, 'unlink', 'existing/old.txt'), 'unlink');
    await rm(join(root, 'sub'), { recursive: true });
    await until(() => has(hints, 'unlinkDir', 'sub'), 'unlinkDir');
    for (const h of hints) expect(h.path.startsWith('/') || h.path.includes('\\') || h.path.includes('..')).toBe(false);
  });

  it('hints the folder above a name that is not UTF-8 (chokidar can only report it mangled)', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'sub'));
    const { hints } = await startSource(root);
    await writeFile(Buffer.from(`${root}/sub/caf\xe9.txt`, 'latin1'), 'Latin-1 name');
    await until(() => has(hints, 'addDir', 'sub'), 'addDir sub for the mangled name');
    await writeFile(Buffer.from(`${root}/top-\xff`, 'latin1'), 'at the top');
    await until(() => has(hints, 'overflow', ''), 'a rescan for a mangled name at the top');
    expect(hints.filter((h) => h.path.includes('\uFFFD'))).toEqual([]);
  });

  it('stays quiet about ignored files, .cofferignore patterns and the state dir', async () => {
    const root = await tempDir();
    await writeFile(join(root, '.cofferignore'), 'build/\n*.log\n');
    await mkdir(join(root, '.coffer'));
    const { hints } = await startSource(root, { excludeAbsolute: [join(root, '.coffer')] });
    await writeFile(join(root, 'a.tmp'), 't');
    await writeFile(join(root, '.~lock.x.odt#'), 'l');
    await writeFile(join(root, 'debug.log'), 'l');
    await mkdir(join(root, 'build'));
    await writeFile(join(root, 'build/out.js'), 'o');
    await writeFile(join(root, '.coffer/journal'), 'j');
    await settle(root, hints);
    expect(hints.map((h) => h.path).filter((p) => !p.startsWith('marker-'))).toEqual([]);
  });

  it('does not follow a symlink to outside the root', async () => {
    const outside = await tempDir();
    const root = await tempDir();
    await symlink(outside, join(root, 'link'));
    const { hints } = await startSource(root);
    await writeFile(join(outside, 'secret.txt'), 's');
    await settle(root, hints);
    expect(hints.filter((h) => h.path.startsWith('link/'))).toEqual([]);
  });

  it('rebuilds itself when .cofferignore changes: asks for a full rescan and watches newly visible folders', async () => {
    const root = await tempDir();
    await writeFile(join(root, '.cofferignore'), 'build/\n');
    await mkdir(join(root, 'build'));
    const { hints } = await startSource(root);
    await writeFile(join(root, 'build/a.js'), 'a');
    await writeFile(join(root, '.cofferignore'), '# nothing ignored now\n');
    await until(() => hints.some((h) => h.kind === 'overflow' && /cofferignore changed/.test(h.detail ?? '')), 'overflow after ignore change');
    expect(has(hints, 'change', '.cofferignore')).toBe(true);
    expect(hints.some((h) => h.path === 'build/a.js')).toBe(false);
    await writeFile(join(root, 'build/b.js'), 'b');
    await until(() => has(hints, 'add', 'build/b.js'), 'add in a folder that is no longer ignored');
  });

  it('maps an inotify limit error (ENOSPC) to an error hint with a clear detail plus overflow', async () => {
    const root = await tempDir();
    let real: ReturnType<typeof watch> | undefined;
    const { hints } = await startSource(root, { watchFactory: (r, o) => (real = watch(r, o)) });
    const err = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC', path: join(root, 'x') });
    real!.emit('error', err);
    expect(hints.map((h) => h.kind)).toEqual(['error', 'overflow']);
    expect(hints[0]!.detail).toMatch(/max_user_watches/);
    expect(hints[0]!.detail).toMatch(/periodic full rescan/);
  });

  it('delivers nothing after stop() resolves, and refuses a second start', async () => {
    const root = await tempDir();
    const { src, hints } = await startSource(root);
    await expect(src.start(() => undefined)).rejects.toThrow(/already started/);
    await src.stop();
    await writeFile(join(root, 'late.txt'), 'l');
    await new Promise((r) => setTimeout(r, 300));
    expect(hints).toEqual([]);
  });
});
