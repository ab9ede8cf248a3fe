import { describe, it, expect, afterEach } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sandbox, type Sandbox } from './harness.ts';
import { assertBuilt, runCli } from './cli-harness.ts';

describe('coffer sync and names Windows cannot hold', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('warns once, in the pass that first stores the name, and exits 0', async () => {
    assertBuilt();
    sb = await sandbox();
    const env = { COFFER_HOME: sb.home, COFFER_PASSPHRASE: 'cli passphrase' };
    await writeFile(join(sb.folder, 'aux.c'), 'int main;');
    await writeFile(join(sb.folder, 'plain.txt'), 'plain');
    const init = await runCli(['init', sb.folder, '--remote', `file://${join(sb.root, 'remote')}`, '--key', 'passphrase', '--recovery-kit', join(sb.root, 'kit.txt')], env);
    expect(init.code).toBe(0);
    const first = await runCli(['sync'], env);
    expect(first.code).toBe(0);
    expect(first.stderr + first.stdout).toMatch(/warning: "aux\.c" will not restore on Windows \(AUX is a device name on Windows\)/);
    expect(first.stderr + first.stdout).not.toMatch(/plain\.txt.*Windows/);
    await writeFile(join(sb.folder, 'aux.c'), 'int main(void);');
    const second = await runCli(['sync'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/1 uploaded/);
    expect(second.stderr + second.stdout).not.toMatch(/Windows/);
  });
});
