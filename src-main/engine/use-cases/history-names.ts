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

/** Names from the bucket's device records and, for team vaults, the membership document's member names. */
export function namesFromRecords(devices: readonly DeviceRecord[], memberNames?: MemberNames): HistoryNames {
  const byId = new Map(devices.map((d) => [d.id, d]));
  return { device: (id) => byId.get(id), member: (id) => memberNames?.(id) };
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
