// Shared set-up for engine tests: temp folders, a vault on a file:// or real S3 remote, tree comparison.
import { mkdtemp, readdir, readFile, readlink, lstat, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import type { VaultEnv } from '../../src-main/engine/vault/remote-vault.ts';
import { makeTestBucket, s3TestConfig } from '../support/s3-env.ts';

/** Cheap scrypt for tests only; real vaults use the default cost. */
export const TEST_KDF = { N: 1024, r: 8, p: 1 };

export interface Sandbox {
  root: string;
  folder: string;
  home: string;
  env: VaultEnv;
  cleanup(): Promise<void>;
}

export async function sandbox(passphrase = 'correct horse'): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'coffer-engine-'));
  const folder = join(root, 'folder');
  const home = join(root, 'home');
  await import('node:fs/promises').then((fs) => fs.mkdir(folder));
  return {
    root, folder, home,
    env: { home, passphrase: async () => passphrase, kdf: TEST_KDF },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

export type RemoteKind = 'file' | 's3';

/** A fresh remote: a folder under the sandbox, or a new bucket on the test S3 server. */
export async function freshRemote(kind: RemoteKind, sb: Sandbox): Promise<{ remote: string; endpoint?: string }> {
  if (kind === 'file') return { remote: `file://${join(sb.root, 'remote')}` };
  const cfg = s3TestConfig();
  if (!cfg) throw new Error('no S3 server');
  process.env.AWS_ACCESS_KEY_ID = cfg.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = cfg.secretAccessKey;
  process.env.AWS_REGION = 'us-east-1';
  return { remote: `s3://${await makeTestBucket()}/vault`, endpoint: cfg.endpoint };
}

export async function initVault(sb: Sandbox, kind: RemoteKind): Promise<{ vault: LocalVault; recoveryKey: string; remote: string; endpoint?: string }> {
  const r = await freshRemote(kind, sb);
  const { vault, recoveryKey } = await LocalVault.init(sb.env, { folder: sb.folder, remote: r.remote, endpoint: r.endpoint, keyRef: 'passphrase' });
  return { vault, recoveryKey, ...r };
}

/** path -> content (files), '->target' (symlinks), '<dir>' (folders): what "byte-identical" compares. */
export async function snapshot(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    const abs = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = await lstat(abs);
    if (st.isSymbolicLink()) out[rel] = `->${await readlink(abs)}`;
    else if (st.isDirectory()) {
      out[rel] = '<dir>';
      Object.assign(out, await snapshot(abs, rel));
    } else out[rel] = (await readFile(abs)).toString('base64');
  }
  return out;
}

/** Polls `check` until it holds; `what` names the wait in the timeout error. */
export async function until(check: () => Promise<boolean> | boolean, what: string, ms = 20_000, everyMs = 25): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
