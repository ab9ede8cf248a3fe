import type { SyncerOptions } from '../vault/vault-sync.ts';
import type { BaseChooser } from '../sync/plan-pass.ts';
import type { NameResolver } from '../sync/merge-trees.ts';
import { readDeviceRecords } from '../vault/device-records.ts';
import { membershipNames, namesFromRecords, type HistoryNames } from './history-names.ts';
import { acceptedHead } from '../team/accepted-head.ts';
import { commitRefusal } from '../team/team-session.ts';
import type { TeamSession } from '../team/team-session.ts';
import { TeamPermissionError } from '../team/team-errors.ts';
import { attachTeam, sessionOf } from './team-attach.ts';
import type { OpenVault } from './vault-ops.ts';
import { refreshVaultKey } from '../keys/index.ts';

/** A key set checked against the bucket this recently (at open) is not read again before the first pass. */
const KEY_CHECK_FRESH_MS = 5_000;

/**
 * What a sync of this vault needs from the team layer, for every host that syncs (syncOnce, the watch
 * runner, the app): which root to merge with (acceptedHead: a commit not signed by a current writer is
 * refused and its parent tried), whether this client may commit (a reader pulls only), and the names that
 * go into conflict copies and history. Throws TeamPermissionError for a client that must not sync at all
 * (a removed member or device). A vault without a team merges with the head's root as before.
 */
export async function teamSyncOptions(vault: OpenVault): Promise<Pick<SyncerOptions, 'chooseBase' | 'canCommit' | 'names' | 'beforePass'>> {
  // The owner's copies catch up with a rotation or generation made on another device (as at open), unless
  // the open did that a moment ago (a CLI pass: open, then this): the app may sync a vault opened long ago.
  const fresh = { unlessCheckedWithinMs: KEY_CHECK_FRESH_MS };
  let session = (await refreshVaultKey(vault.key, vault.keyContext(), fresh)) ? await attachTeam(vault) : await sessionOf(vault);
  const reader = assertMaySync(session);

  const names = new PassNames(vault, () => session);
  let lastHead: string | null = null;
  // A key opened long ago (a watch, the app) takes a generation another device started before the pass reads
  // or seals anything: every pass in a team vault (a removal does not move the head; one small read).
  const beforePass = async () => {
    if (!session.membership && !session.removed) return;
    if (!(await refreshVaultKey(vault.key, vault.keyContext()))) return;
    session = await attachTeam(vault);
    assertMaySync(session);
  };
  const chooseBase: BaseChooser = async (h) => {
    // Device records are read again only when the head moved: that is when a pull or a conflict names them.
    if (h.head.rootId !== lastHead) await names.reload();
    lastHead = h.head.rootId;
    if (!session.membership) return { rootId: h.head.rootId, refused: [] };
    let chosen = await acceptedHead(vault.manifest, h.head, session.membership.doc);
    if (chosen.refused.length > 0) {
      // A member added since this client verified the membership would be refused by a stale copy.
      session = await attachTeam(vault);
      if (session.membership) chosen = await acceptedHead(vault.manifest, h.head, session.membership.doc);
    }
    if (!chosen.root) {
      throw new TeamPermissionError(`no commit in this vault's history is signed by a current writer (${chosen.refused[0] ?? 'none kept'}); refusing to merge`);
    }
    return { rootId: chosen.root.rootId, refused: chosen.refused };
  };
  return { beforePass, chooseBase, canCommit: !reader, names: names.resolver };
}

/**
 * Throws TeamPermissionError for a client that must not sync at all (a removed member or device); returns
 * whether it is an active reader, which pulls but never commits (the refusal then only stops its commits).
 */
function assertMaySync(session: TeamSession): boolean {
  const reader = session.me?.status === 'active' && session.me.role === 'reader' && !session.removed;
  const refusal = commitRefusal(session, (id) => session.membership?.doc.members.find((m) => m.id === id)?.name ?? id);
  if (refusal && !reader) throw new TeamPermissionError(refusal);
  return reader;
}

/** Member and device names for conflict copies, from the device records and the membership document. */
class PassNames {
  private names: HistoryNames = namesFromRecords([]);
  constructor(private readonly vault: OpenVault, private readonly session: () => TeamSession) {}

  async reload(): Promise<void> {
    const records = await readDeviceRecords(this.vault).catch(() => null);
    if (!records) return;
    const { memberNames, ownerMember } = membershipNames(this.session().membership?.doc);
    this.names = namesFromRecords(records, memberNames, ownerMember);
  }

  readonly resolver: NameResolver = (memberId, deviceId) => {
    const device = this.names.device(deviceId);
    const doc = this.session().membership?.doc;
    const member = memberId ?? device?.member ?? null;
    // A device without a member is one of the owner's: in a team vault, the creator (the first member).
    const memberName = member !== null ? membershipNames(doc).memberNames(member) ?? member : doc?.members[0]?.name ?? 'owner';
    return { member: memberName, device: device?.name ?? deviceId };
  };
}
