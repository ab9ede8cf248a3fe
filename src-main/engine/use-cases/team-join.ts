import { resolve } from 'node:path';
import { systemClock } from '../ports/clock.ts';
import {
  FileIdentityStore, identityStoreFor, KeychainIdentityStore, publicIdentityOf, type MemberIdentity,
} from '../keys/index.ts';
import type { VaultEnv } from '../vault/vault-env.ts';
import { parseJoinCode, type JoinPayload, type ParsedJoinCode } from '../team/join-code.ts';
import { recordMembershipSeen } from '../team/membership-seen.ts';
import { MembershipError } from '../team/team-errors.ts';
import { attachTeam } from './team-attach.ts';
import { joinVault } from './join-ops.ts';
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
 * joins this device to the vault (join-ops.ts) and merges the current tree into the folder.
 */
export async function joinTeam(env: VaultEnv, req: JoinTeamRequest): Promise<{ vault: OpenVault; memberId: string }> {
  const clock = env.clock ?? systemClock;
  const code = parseJoinCode(req.code, clock.now());
  const { payload } = code;
  const place = identityPlace(payload.vaultId, req.identityRef);
  const identity = await joiningIdentity(payload, place.file);
  // The device joins as any other (LocalVault.join), then its first pass merges the folder with the tree.
  const { vault } = await joinVault(env, {
    folder: req.folder, remote: payload.remote, endpoint: payload.endpoint, keyRef: place.keyRef, deviceName: req.deviceName,
    member: payload.memberId, expectVaultId: payload.vaultId,
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
