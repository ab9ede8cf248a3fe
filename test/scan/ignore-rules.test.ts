import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore from 'ignore';
import { IgnoreRules, DEFAULT_IGNORES, LOOKUPS_PER_MATCHER } from '../../src-main/engine/scan/ignore-rules.ts';
import { tempTree } from './temp-tree.ts';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('IgnoreRules', () => {
  it('ignores common temp and lock files by default, at any depth', () => {
    const rules = IgnoreRules.fromText('');
    const ignored = [
      'a.tmp', 'sub/.notes.txt.swp', 'x.swo', 'draft.txt~', '.#lockfile', '#autosave#', '.DS_Store',
      'pics/Thumbs.db', 'desktop.ini', '~$report.docx', '.~lock.sheet.ods#', 'big.iso.crdownload', 'video.part',
    ];
    for (const p of ignored) expect(rules.ignores(p, false), p).toBe(true);
    expect(rules.ignores('.Trash-1000', true)).toBe(true);
    expect(rules.ignores('.Trash-1000/files/a.txt', false)).toBe(true);
  });

  it('does not ignore ordinary files, .git, or the root', () => {
    const rules = IgnoreRules.fromText('');
    for (const p of ['notes.txt', 'tmp/file', 'a.tmpl', 'report.docx', '.gitignore', 'partial.txt']) {
      expect(rules.ignores(p, false), p).toBe(false);
    }
    expect(rules.ignores('.git', true)).toBe(false);
    expect(rules.ignores('.git/config', false)).toBe(false);
    expect(rules.ignores('', true)).toBe(false);
    // '.Trash-*/' matches folders only.
    expect(rules.ignores('.Trash-1000', false)).toBe(false);
  });

  it('has a default for every pattern the brief lists', () => {
    expect(DEFAULT_IGNORES).toContain('*.crdownload');
    expect(DEFAULT_IGNORES).not.toContain('.git/');
  });

  it('applies .cofferignore with negation, folder-only rules and re-inclusion of defaults', async () => {
    const t = await tempTree({ '.cofferignore': '*.log\n!keep.log\nbuild/\n!*.part\n' });
    cleanup = t.cleanup;
    const rules = await IgnoreRules.load(t.root);
    expect(rules.ignores('debug.log', false)).toBe(true);
    expect(rules.ignores('sub/keep.log', false)).toBe(false);
    expect(rules.ignores('build', true)).toBe(true);
    expect(rules.ignores('build/out.js', false)).toBe(true);
    expect(rules.ignores('build', false)).toBe(false); // a file named build is not a folder
    expect(rules.ignores('movie.part', false)).toBe(false); // user re-included a default
    expect(rules.ignores('x.tmp', false)).toBe(true);
  });

  it('refresh() picks up an edited .cofferignore and reports whether the rules changed', async () => {
    const t = await tempTree({ '.cofferignore': '*.log\n' });
    cleanup = t.cleanup;
    const rules = await IgnoreRules.load(t.root);
    expect(await rules.refresh()).toBe(false);
    await writeFile(join(t.root, '.cofferignore'), '*.bak\n');
    expect(await rules.refresh()).toBe(true);
    expect(rules.ignores('a.log', false)).toBe(false);
    expect(rules.ignores('a.bak', false)).toBe(true);
  });

  it('a missing .cofferignore means defaults only', async () => {
    const t = await tempTree({});
    cleanup = t.cleanup;
    const rules = await IgnoreRules.load(t.root);
    expect(rules.userPatterns).toBe('');
    expect(rules.ignores('a.swp', false)).toBe(true);
    expect(rules.ignores('a.txt', false)).toBe(false);
  });

  it('can be case-insensitive, as on macOS and Windows', () => {
    expect(IgnoreRules.fromText('', { ignoreCase: true }).ignores('THUMBS.DB', false)).toBe(true);
    expect(IgnoreRules.fromText('', { ignoreCase: false }).ignores('THUMBS.DB', false)).toBe(false);
  });

  it('answers past the point where its matcher is rebuilt (the cache bound) exactly as one matcher that never forgets', () => {
    const text = 'build/\n*.log\n!keep.log\nsecret/**\n!secret/public/\n';
    const rules = IgnoreRules.fromText(text);
    const reference = ignore({ ignorecase: process.platform !== 'linux' }).add([...DEFAULT_IGNORES]).add(text);
    const paths: [string, boolean][] = [];
    for (let i = 0; paths.length < 3 * LOOKUPS_PER_MATCHER + 10; i++) {
      const dir = ['src', 'build', 'secret', 'secret/public', 'docs/build', 'a/b/c'][i % 6]!;
      paths.push([`${dir}/f${i}.${['txt', 'log', 'tmp'][i % 3]}`, false], [`${dir}/keep.log`, false], [`${dir}/sub${i % 7}`, true]);
    }
    let ignoredCount = 0;
    for (const [p, isDir] of paths) {
      const got = rules.ignores(p, isDir);
      expect(got, p).toBe(reference.ignores(isDir ? `${p}/` : p));
      if (got) ignoredCount++;
    }
    // Both answers occur on both sides of every rebuild, so the comparison above checked something.
    expect(ignoredCount).toBeGreaterThan(LOOKUPS_PER_MATCHER / 2);
    expect(paths.length - ignoredCount).toBeGreaterThan(LOOKUPS_PER_MATCHER / 2);
  });
});
