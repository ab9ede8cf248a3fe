// Clients of one team vault for the team tests: each its own COFFER_HOME and folder, on one remote.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { ContentReader } from '../../src-main/engine/read/content-reader.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';
import type { OpenVault, VaultEnv } from '../../src-main/engine/api.ts';
import { TEST_KDF, freshRemote, type RemoteKind, type Sandbox } from '../engine/harness.ts';

export interface Client {
  name: string;
  home: string;
  folder: string;
  env: VaultEnv;
  /** Where this client keeps its member identity (a 0600 file: the tests do not share one keychain). */
  identityFile: string;
}

export async function teamSandbox(kind: RemoteKind): Promise<{ root: string; remote: string; endpoint?: string; client(name: string): Promise<Client>; cleanup(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'coffer-team-'));
  const sb: Sandbox = { root, folder: join(root, 'unused'), home: join(root, 'unused-home'), env: { home: '' }, cleanup: async () => undefined };
  const r = await freshRemote(kind, sb);
  return {
    root, ...r,
    async client(name: string): Promise<Client> {
      const home = join(root, `${name}-home`);
      const folder = join(root, `${name}-folder`);
      await mkdir(folder, { recursive: true });
      return { name, home, folder, identityFile: join(root, `${name}.identity`), env: { home, passphrase: async () => `${name} passphrase`, kdf: TEST_KDF } };
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Reads one file version's bytes with `vault`'s key alone, through a fresh reader (no cached pack). */
export async function readWith(vault: OpenVault, entry: FileEntry): Promise<string> {
  const reader = new ContentReader({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
  return (await buffer(reader.fileContent(entry))).toString('utf8');
}
