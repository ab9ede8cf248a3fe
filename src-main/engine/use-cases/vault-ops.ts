import { resolve } from 'node:path';
import { relativeInside } from '../fsx/path-inside.ts';
import { LocalVault, type InitRequest } from '../vault/local-vault.ts';
import { RemoteVault, type RemoteRequest } from '../vault/remote-vault.ts';
import type { ReadableVault } from '../vault/readable-vault.ts';
import type { VaultEnv } from '../vault/vault-env.ts';
import { VaultRegistry } from '../vault/registry.ts';
import type { PathVersion } from '../manifest/history-walk.ts';
import type { HistoryQuery } from '../ports/journal.ts';
import { pathArgForms } from '../fsx/raw-name.ts';
import { readDeviceRecords } from '../vault/device-records.ts';
import { nameEntries, namesFromRecords, type HistoryNames, type MemberNames, type NamedHistoryEntry } from './history-names.ts';
import { attachTeam } from './team-attach.ts';

/**
 * A vault opened by one of the functions below. Hosts pass it back to the other use cases and call
 * `close()` when done; they do not reach into it. (The only callers of LocalVault.init/open and
 * RemoteVault.open.) `OpenVault` is this machine's vault of a folder (settings always there);
 * `AnyVault` is also one opened from the bucket alone (read-only: restore, verify, versions).
 */
export type OpenVault = LocalVault;
export type AnyVault = ReadableVault;

/** The folder of this machine's vault; undefined for a vault opened from the bucket alone. */
export function vaultFolder(vault: AnyVault): string | undefined {
  return vault instanceof LocalVault ? vault.settings.folder : undefined;
}

/** A new vault for `req.folder` on `req.remote`; the recovery key is '' for keys held by KMS or an HSM. */
export function initVault(env: VaultEnv, req: InitRequest): Promise<{ vault: OpenVault; recoveryKey: string }> {
  return LocalVault.init(env, req);
}

/** Refuses an init request that cannot work (folder, settings, a vault already there), writing nothing. */
export async function checkInitRequest(env: VaultEnv, req: InitRequest): Promise<void> {
  await LocalVault.checkInit(env, req);
}

/** This machine's vault for `folder` (the only registered one when omitted); `recoveryKey` opens it instead of its key. */
export async function openVault(env: VaultEnv, folder?: string, opts: { recoveryKey?: string } = {}): Promise<OpenVault> {
  const vault = await LocalVault.open(env, folder, opts);
  // A team vault's membership is verified before anything else uses the vault (use-cases/team-attach.ts).
  await attachTeam(vault).catch(async (err: unknown) => {
    await vault.close();
    throw err;
  });
  return vault;
}

/** A vault reached from the bucket alone (a new machine), read-only, with a key reference or the recovery key. */
export function openVaultFromBucket(env: VaultEnv, req: RemoteRequest): Promise<AnyVault> {
  return RemoteVault.open(env, req);
}

/**
 * The registered vault whose folder holds `path` (absolute, or relative to the current folder) and the
 * path inside it, `/`-separated, as typed.
 */
export async function locateInVault(env: VaultEnv, path: string): Promise<{ folder: string; path: string }> {
  const abs = resolve(path);
  const vaults = await new VaultRegistry(env.home).list();
  // Inside, not the folder itself; a folder registered through a symlink matches its real path too.
  const owner = vaults.find((v) => !!relativeInside(v.folder, abs));
  if (!owner) throw new Error(`${abs} is not inside a Coffer folder`);
  return { folder: owner.folder, path: relativeInside(owner.folder, abs)! };
}

/**
 * Every stored version of one path, newest first. A name that is not UTF-8 cannot come through argv
 * exactly: a typed form with \xHH escapes or U+FFFD is matched to the stored name it stands for.
 */
export async function fileVersions(vault: AnyVault, req: { path: string }): Promise<{ path: string; versions: PathVersion[] }> {
  const path = /\uFFFD|\\x[0-9A-F]{2}/.test(req.path)
    ? [...(await vault.tree()).tree.keys()].find((p) => pathArgForms(p).includes(req.path)) ?? req.path
    : req.path;
  return { path, versions: await vault.versions(path) };
}

/**
 * This machine's history of the vault (passes, restores, verifies, errors, pulls), newest first, with
 * names for the devices and members its entries name: devices from their records in the bucket (read
 * only when an entry names one), members from `memberNames` (the membership document, for team vaults).
 * Without the records (the bucket unreachable) the entries keep their ids and get no names.
 */
export async function queryHistory(
  vault: AnyVault, q: HistoryQuery, opts: { memberNames?: MemberNames; names?: () => Promise<HistoryNames> } = {},
): Promise<{ entries: NamedHistoryEntry[]; total: number }> {
  const r = await vault.queryHistory(q);
  const named = r.entries as NamedHistoryEntry[];
  if (!named.some((e) => e.device !== undefined || e.member !== undefined)) return r;
  // A host that keeps names at hand (the app caches the Team view's) passes them; otherwise the records are read.
  const names = opts.names ? await opts.names() : namesFromRecords(await readDeviceRecords(vault).catch(() => []), opts.memberNames);
  return { ...r, entries: nameEntries(r.entries, names) };
}
