import type { HistoryEntry } from '../ports/journal.ts';
import type { DeviceRecord } from '../vault/device-records.ts';

/** A history entry as hosts show it: the ids it carries, and the names they stand for where known. */
export type NamedHistoryEntry = HistoryEntry & {
  /** The device that made the change (a pull, a conflict: another device), by id. */
  device?: string;
  /** The member who made it, by id (team vaults). */
  member?: string;
  deviceName?: string;
  memberName?: string;
};

/** Member id → name, from the membership document (team vaults); absent: no names for members. */
export type MemberNames = (memberId: string) => string | undefined;

/** What names a history entry's ids: a device (with the member it belongs to) and a member. */
export interface HistoryNames {
  device(id: string): { name: string; member?: string | null } | undefined;
  member(id: string): string | undefined;
}

/**
 * Names from the bucket's device records and, for team vaults, the membership document's member names. A
 * record without a member is one of the owner's devices: with `ownerMember` (a team vault's creator) it
 * is named as that member's.
 */
export function namesFromRecords(devices: readonly DeviceRecord[], memberNames?: MemberNames, ownerMember?: string): HistoryNames {
  const byId = new Map(devices.map((d) => [d.id, { name: d.name, member: d.member ?? ownerMember ?? null }]));
  return { device: (id) => byId.get(id), member: (id) => memberNames?.(id) };
}

/** The names a team vault's membership document gives: member id -> name, and the creator (first member). */
export function membershipNames(doc: { members: readonly { id: string; name: string }[] } | null | undefined): { memberNames: MemberNames; ownerMember?: string } {
  const byId = new Map((doc?.members ?? []).map((m) => [m.id, m.name]));
  return { memberNames: (id) => byId.get(id), ownerMember: doc?.members[0]?.id };
}

/**
 * The entries with names for their device and member ids; where an entry names only a device, the member
 * its record belongs to. An id without a name keeps no name field, so a host shows the id (or "unknown
 * device") rather than a guess.
 */
export function nameEntries(entries: readonly HistoryEntry[], names: HistoryNames): NamedHistoryEntry[] {
  return entries.map((entry) => {
    const e = entry as NamedHistoryEntry;
    const device = e.device !== undefined ? names.device(e.device) : undefined;
    const member = e.member ?? device?.member ?? undefined;
    const memberName = member !== undefined ? names.member(member) : undefined;
    return {
      ...e,
      ...(device ? { deviceName: device.name } : {}),
      ...(memberName !== undefined ? { memberName } : {}),
    };
  });
}
