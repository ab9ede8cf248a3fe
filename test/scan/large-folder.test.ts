import { afterEach, describe, expect, it } from 'vitest';
import { rm, writeFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FsScanner } from '../../src-main/engine/scan/fs-scanner.ts';
import { IgnoreRules } from '../../src-main/engine/scan/ignore-rules.ts';
import { lateClock, tempTree } from './temp-tree.ts';

// 100k files is the benchmark's job (bench/scan-100k.mjs); creating them takes too long for a test here.
const FILES = 20_000;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('FsScanner on a large flat folder', () => {
  it(`scans ${FILES} files in one folder with the right counts, then finds exactly what changed`, async () => {
    const t = await tempTree({ 'big/': '' });
    cleanup = t.cleanup;
    const big = join(t.root, 'big');
    for (let i = 0; i < FILES; i += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, j) => writeFile(join(big, `f${i + j}.dat`), String(i + j))));
    }
    // A few ignored ones must not count.
    await Promise.all([0, 1, 2].map((i) => writeFile(join(big, `junk${i}.tmp`), '')));
    const scanner = new FsScanner({ root: t.root, ignore: await IgnoreRules.load(t.root), clock: lateClock });
    const first = await scanner.scan(new Map());
    expect(first.candidates).toHaveLength(FILES + 1);
    expect(first.seen).toBe(FILES + 1);
    expect(new Set(first.candidates.map((c) => c.path)).size).toBe(FILES + 1);

    const index = new Map(first.candidates.map((c) => [c.path, c]));
    await writeFile(join(big, 'f7.dat'), 'changed!');
    await unlink(join(big, 'f8.dat'));
    await writeFile(join(big, 'new.dat'), 'n');
    const second = await scanner.scan(index);
    expect(second.candidates.map((c) => c.path).sort()).toEqual(['big/f7.dat', 'big/new.dat']);
    expect(second.deleted).toEqual(['big/f8.dat']);
    expect(second.unchanged).toBe(FILES + 1 - 2);
    await rm(big, { recursive: true });
  });
});
