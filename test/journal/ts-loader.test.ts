// test/support/ts-loader.mjs lets plain Node 20 run TypeScript children for crash tests.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

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
    const r = run('loader-broken.ts');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('loader-broken.ts');
    expect(r.stdout).toBe('');
  });
});
