import { mkdir, readdir, realpath, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { systemClock, systemRandom } from '../ports/clock.ts';
import {
  FileIdentityStore, identityStoreFor, KeychainIdentityStore, publicIdentityOf, type MemberIdentity,
} from '../keys/index.ts';
import { defaultSettings, saveSettings } from '../journal/settings-store.ts';
import { readDescriptor } from '../vault/descriptor.ts';
import { LocalVault } from '../vault/local-vault.ts';
import { VaultRegistry } from '../vault/registry.ts';
import { assertStateOutside, vaultPaths } from '../vault/state-dir.ts';
import type { VaultEnv } from '../vault/vault-env.ts';
import { VaultStores } from '../vault/vault-stores.ts';
import { parseJoinCode, type JoinPayload, type ParsedJoinCode } from '../team/join-code.ts';
import { recordMembershipSeen } from '../team/membership-seen.ts';
import { MembershipError } from '../team/team-errors.ts';
import { attachTeam } from './team-attach.ts';
import { reindexVault } from './reindex.ts';
import type { OpenVault } from './vault-ops.ts';

export interface JoinTeamRequest {
  code: string;
  folder: string;
  deviceName?: string;
  /** Where this member's identity is kept: the keychain (default) or `file:<absolute path>` (a 0600 file). */
  identityRef?: string;
}

/** `member:<vaultId>` for the keychain, `member:<vaultId>:<file>` for an identity file. */
function identityPlace(vaultId: string, identityRef: string | undefined): { keyRef: string; file?: string } {
  if (!identityRef || identityRef === 'keychain') return { keyRef: `member:${vaultId}` };
  const file = identityRef.startsWith('file:') ? identityRef.slice(5) : identityRef;
  const abs = resolve(file);
  return { keyRef: `member:${vaultId}:${abs}`, file: abs };
}

/**
 * The identity this member joins with: the one-time identity the code carries, or the one `coffer team id`
 * made on this machine (then the code carries no secret). Its public half must be the one invited.
 */
async function joiningIdentity(payload: JoinPayload, file: string | undefined): Promise<MemberIdentity> {
  if (payload.identity) return { member: payload.memberId, ...payload.identity };
  const store = file ? new FileIdentityStore(file) : new KeychainIdentityStore('identity');
  const own = await store.read();
  if (!own) throw new MembershipError(`this join code was made for a public identity, but this machine has none in the ${store.where}; run "coffer team join" where you ran "coffer team id"`);
  return { ...own, member: payload.memberId };
}

/**
 * `coffer team join <code> <folder>`: checks the code (expiry, vault, signature), keeps the member's identity,
 * attaches this device to the vault and downloads the current tree into the folder.
 */
export async function joinTeam(env: VaultEnv, req: JoinTeamRequest): Promise<{ vault: OpenVault; memberId: string }> {
  const clock = env.clock ?? systemClock;
  const code = parseJoinCode(req.code, clock.now());
  const { payload } = code;
  const place = identityPlace(payload.vaultId, req.identityRef);
  const identity = await joiningIdentity(payload, place.file);
  const vault = await attachMemberDevice(env, {
    folder: req.folder, remote: payload.remote, endpoint: payload.endpoint, keyRef: place.keyRef, vaultId: payload.vaultId,
    beforeKey: () => identityStoreFor(payload.vaultId, place.file).write(identity),
    check: (v) => checkJoin(v, code, identity),
  });
  return { vault, memberId: payload.memberId };
}

async function checkJoin(vault: OpenVault, code: ParsedJoinCode, identity: MemberIdentity): Promise<void> {
  const { payload } = code;
  // Pinned before the first verification: the chain is checked from the creator key the code names.
  await recordMembershipSeen(vault.paths.dir, payload.creatorKey, null);
  const session = await attachTeam(vault);
  const doc = session.membership?.doc;
  if (!doc) throw new MembershipError('this vault has no team: the join code does not belong to it');
  const issuer = doc.members.find((m) => m.id === payload.issuedBy);
  if (!issuer || !code.signedBy(issuer.signKey)) throw new MembershipError('the join code\'s signature does not verify: it was tampered with, or was not issued by an admin of this vault');
  const me = doc.members.find((m) => m.id === payload.memberId);
  const pub = await publicIdentityOf(identity);
  if (!me || me.status !== 'active') throw new MembershipError('the vault\'s team has no active member for this join code (the invitation was withdrawn)');
  if (me.signKey !== pub.signKey || me.recipient !== pub.recipient) throw new MembershipError('this identity is not the one the member was invited with');
}

export interface AttachRequest {
  folder: string;
  remote: string;
  endpoint?: string;
  keyRef: string;
  /** The vault id the caller expects (from the join code): another one in the bucket is refused. */
  vaultId: string;
  /** Runs once the bucket is known to hold that vault, before the key is opened (saves the identity). */
  beforeKey?: () => Promise<void>;
  /** Runs on the opened vault before anything is downloaded; throwing undoes the attach. */
  check?: (vault: OpenVault) => Promise<void>;
}

/**
 * Attaches this device to an existing vault and downloads its tree. A stand-in for helper "merge"'s
 * LocalVault.join (not on this branch): the integrator folds these steps into it. A non-empty folder is
 * kept as it is (files that already exist are skipped; the next sync merges them).
 */
export async function attachMemberDevice(env: VaultEnv, req: AttachRequest): Promise<OpenVault> {
  const random = env.random ?? systemRandom;
  await mkdir(resolve(req.folder), { recursive: true });
  const folder = await realpath(resolve(req.folder));
  if (!(await stat(folder)).isDirectory()) throw new Error(`${folder} is not a folder`);
  assertStateOutside(folder, env.home);
  const registry = new VaultRegistry(env.home);
  if ((await registry.list()).some((v) => v.folder === folder || v.vaultId === req.vaultId)) throw new Error(`this machine already has ${folder} or this vault registered`);
  const stored = { remote: req.remote, endpoint: req.endpoint, sse: 'none' as const };
  const stores = VaultStores.open(env, stored);
  const { vaultId } = await readDescriptor(stores.slots, req.remote);
  if (vaultId !== req.vaultId) throw new MembershipError(`this join code is for vault ${req.vaultId}, but ${req.remote} holds vault ${vaultId}`);
  await req.beforeKey?.();
  const paths = vaultPaths(env.home, vaultId);
  const settings = defaultSettings({ ...stored, vaultId, folder, keyRef: req.keyRef, deviceId: Buffer.from(random(8)).toString('hex') });
  await saveSettings(paths.settings, settings);
  await registry.add(vaultId, folder);
  let vault: OpenVault | null = null;
  try {
    vault = await LocalVault.open(env, folder);
    await req.check?.(vault);
    if ((await vault.manifest.readHead()) !== null) {
      const empty = (await readdir(folder)).length === 0;
      await vault.restore(folder, { existing: empty ? 'refuse' : 'skip' });
    }
    await reindexVault(vault);
    return vault;
  } catch (err) {
    await vault?.close();
    await registry.remove(vaultId).catch(() => undefined);
    await rm(paths.dir, { recursive: true, force: true });
    throw err;
  }
}
