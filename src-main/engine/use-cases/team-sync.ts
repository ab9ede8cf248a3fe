import type { SyncerOptions } from '../vault/vault-sync.ts';
import type { BaseChooser } from '../sync/plan-pass.ts';
import type { NameResolver } from '../sync/merge-trees.ts';
import { readDeviceRecords, type DeviceRecord } from '../vault/device-records.ts';
import { acceptedHead } from '../team/accepted-head.ts';
import { commitRefusal } from '../team/team-session.ts';
import type { TeamSession } from '../team/team-session.ts';
import { TeamPermissionError } from '../team/team-errors.ts';
import { attachTeam, sessionOf } from './team-attach.ts';
import type { OpenVault } from './vault-ops.ts';
import { refreshVaultKey } from '../keys/index.ts';

/**
 * What a sync of this vault needs from the team layer, for every host that syncs (syncOnce, the watch
 * runner, the app): which root to merge with (acceptedHead: a commit not signed by a current writer is
 * refused and its parent tried), whether this client may commit (a reader pulls only), and the names that
 * go into conflict copies and history. Throws TeamPermissionError for a client that must not sync at all
 * (a removed member or device). A vault without a team merges with the head's root as before.
 */
export async function teamSyncOptions(vault: OpenVault): Promise<Pick<SyncerOptions, 'chooseBase' | 'canCommit' | 'names' | 'beforePass'>> {
  // The owner's copies catch up with a rotation or generation made on another device (as at open).
  let session = (await refreshVaultKey(vault.key, vault.keyContext())) ? await attachTeam(vault) : await sessionOf(vault);
  const reader = session.me?.status === 'active' && session.me.role === 'reader' && !session.removed;
  const refusal = commitRefusal(session, (id) => memberName(session, id) ?? id);
  if (refusal && !reader) throw new TeamPermissionError(refusal);

  const names = new PassNames(vault, () => session);
  let lastHead: string | null = null;
  // A key opened long ago (a watch, the app) takes a generation another device started before the pass reads
  // or seals anything: every pass in a team vault (a removal does not move the head; one small read).
  const beforePass = async () => {
    if (!session.membership && !session.removed) return;
    if (!(await refreshVaultKey(vault.key, vault.keyContext()))) return;
    session = await attachTeam(vault);
    const stop = commitRefusal(session, (id) => memberName(session, id) ?? id);
    if (stop && !(session.me?.role === 'reader' && session.me.status === 'active')) throw new TeamPermissionError(stop);
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

function memberName(session: TeamSession, id: string): string | undefined {
  return session.membership?.doc.members.find((m) => m.id === id)?.name;
}

/** Member and device names from the device records and the membership document, reloaded on demand. */
class PassNames {
  private devices = new Map<string, DeviceRecord>();
  constructor(private readonly vault: OpenVault, private readonly session: () => TeamSession) {}

  async reload(): Promise<void> {
    const records = await readDeviceRecords(this.vault).catch(() => null);
    if (records) this.devices = new Map(records.map((d) => [d.id, d]));
  }

  readonly resolver: NameResolver = (memberId, deviceId) => {
    const record = this.devices.get(deviceId);
    const member = memberId ?? record?.member ?? null;
    const doc = this.session().membership?.doc;
    // A device without a member is one of the owner's: in a team vault, the creator (the first member).
    const name = member !== null ? (doc && memberName(this.session(), member)) ?? member : doc?.members[0]?.name ?? 'owner';
    return { member: name, device: record?.name ?? deviceId };
  };
}
