// A frozen vector's bucket copied to a scratch folder for one describe block (a test may write in it:
// a vault opened there keeps its state beside it), with its expected.json and recovery key.
import { beforeAll, afterAll } from 'vitest';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemoteVault } from '../../src-main/engine/vault/vault.ts';
import { readSecretArg } from '../../src-main/cli/context.ts';

export interface FrozenVector<E> {
  /** The vector's own folder (test/vectors/<name>/), read only. */
  readonly dir: string;
  work: string;
  remote: string;
  recoveryKey: string;
  expected: E;
  /** The copied vault, opened with its recovery key from a fresh home, as a new machine would. */
  open(): Promise<RemoteVault>;
  /** The version its bucket's descriptor (coffer-vault.json) says. */
  descriptorVersion(): Promise<number>;
}

export function frozenVector<E>(name: string): FrozenVector<E> {
  const v = {
    dir: fileURLToPath(new URL(`./${name}/`, import.meta.url)),
    work: '', remote: '', recoveryKey: '', expected: undefined as E,
    open: async () => RemoteVault.open({ home: await mkdtemp(join(v.work, 'home-')) }, { remote: v.remote, recoveryKey: v.recoveryKey }),
    descriptorVersion: async () => (JSON.parse(await readFile(join(v.dir, 'bucket', 'coffer-vault.json'), 'utf8')) as { version: number }).version,
  };
  beforeAll(async () => {
    v.work = await mkdtemp(join(tmpdir(), `coffer-vector-${name}-`));
    v.remote = `file://${join(v.work, 'bucket')}`;
    await cp(join(v.dir, 'bucket'), join(v.work, 'bucket'), { recursive: true });
    v.expected = JSON.parse(await readFile(join(v.dir, 'expected.json'), 'utf8')) as E;
    v.recoveryKey = await readSecretArg(`@${join(v.dir, 'recovery-kit.txt')}`);
  });
  afterAll(async () => {
    if (v.work) await rm(v.work, { recursive: true, force: true });
  });
  return v;
}
