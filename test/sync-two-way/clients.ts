// Several devices of one vault for the two-way sync tests: each with its own COFFER_HOME, folder and
// syncer, on one remote (a file:// folder or a bucket on the test S3 server).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import type { Clock } from '../../src-main/engine/ports/clock.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import type { SyncPassResult, SyncRequest } from '../../src-main/engine/sync/sync-pass.ts';
import { freshRemote, sandbox, snapshot, type RemoteKind, type Sandbox } from '../engine/harness.ts';

export interface Client {
  sb: Sandbox;
  vault: LocalVault;
  syncer: VaultSyncer;
  sync(req?: SyncRequest): Promise<SyncPassResult>;
  write(path: string, text: string): Promise<void>;
  read(path: string): Promise<string>;
  remove(path: string): Promise<void>;
  files(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export interface ClientOptions {
  clock?: Clock;
  wrapStore?: (s: BlobStore) => BlobStore;
}

/** The first device: a new vault with a passphrase key. */
export async function firstClient(kind: RemoteKind, opts: ClientOptions = {}): Promise<{ client: Client; remote: string; endpoint?: string }> {
  const sb = await sandbox();
  const r = await freshRemote(kind, sb);
  const env = { ...sb.env, ...opts };
  const { vault } = await LocalVault.init(env, { folder: sb.folder, remote: r.remote, endpoint: r.endpoint, keyRef: 'passphrase' });
  return { client: clientOf(sb, vault), ...r };
}

/** Another device joining the vault at `remote` (LocalVault.join), with its own home and folder. */
export async function joinClient(at: { remote: string; endpoint?: string }, opts: ClientOptions = {}): Promise<Client> {
  const sb = await sandbox();
  const vault = await LocalVault.join({ ...sb.env, ...opts }, { folder: sb.folder, remote: at.remote, endpoint: at.endpoint, keyRef: 'passphrase' });
  return clientOf(sb, vault);
}

function clientOf(sb: Sandbox, vault: LocalVault): Client {
  const syncer = new VaultSyncer(vault);
  const abs = (p: string) => join(sb.folder, p);
  return {
    sb, vault, syncer,
    sync: (req) => syncer.sync(req),
    async write(p, text) {
      await mkdir(dirname(abs(p)), { recursive: true });
      await writeFile(abs(p), text);
    },
    read: (p) => readFile(abs(p), 'utf8'),
    remove: (p) => rm(abs(p), { recursive: true }),
    async files() {
      const snap = await snapshot(sb.folder);
      return Object.fromEntries(Object.entries(snap).map(([k, v]) => [k, v === '<dir>' ? v : Buffer.from(v, 'base64').toString('utf8')]));
    },
    async close() {
      await syncer.close();
      await vault.close();
      await sb.cleanup();
    },
  };
}

/** `name (conflict – <member> – <device> – <YYYY-MM-DD HHMM>).ext` for any member, device and time. */
export function conflictPattern(stem: string, ext: string, device?: string): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(stem)} \\(conflict – owner – ${device ? esc(device) : '[0-9a-f]{16}'} – \\d{4}-\\d{2}-\\d{2} \\d{4}\\)${esc(ext)}$`);
}
