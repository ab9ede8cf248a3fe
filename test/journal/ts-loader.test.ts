// test/support/ts-loader.mjs lets plain Node 20 run TypeScript children for crash tests.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const loader = resolve('test/support/ts-loader.mjs');
const run = (file: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', loader, resolve('test/journal/fixtures', file), ...args], { encoding: 'utf8' });

describe('ts-loader', () => {
  it('runs a .ts entry with types, an enum, a .ts import, a builtin and a package', () => {
    const r = run('loader-entry.ts', '8');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ twice: 16, level: 5, zod: 'ok' });
    expect(out.crc).toBeTypeOf('number');
  });

  it('fails on invalid TypeScript, naming the file', () => {
    // Written at run time: a broken .ts file in the repo would break lint.
    const dir = mkdtempSync(join(tmpdir(), 'coffer-loader-'));
    try {
      const file = join(dir, 'broken.ts');
      writeFileSync(file, 'const x: number = ;\nconsole.log("ran", x);\n');
      const r = spawnSync(process.execPath, ['--import', loader, file], { encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(file);
      expect(r.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
