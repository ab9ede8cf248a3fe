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

/**
 * The entries with names for their device and member ids: a device's from its record, a member's from
 * `memberNames`, where an entry names only a device, the member its record belongs to. An id without a
 * name keeps no name field, so a host shows the id (or "unknown device") rather than a guess.
 */
export function nameEntries(
  entries: readonly HistoryEntry[], devices: readonly DeviceRecord[], memberNames?: MemberNames,
): NamedHistoryEntry[] {
  const byId = new Map(devices.map((d) => [d.id, d]));
  return entries.map((entry) => {
    const e = entry as NamedHistoryEntry;
    const record = e.device !== undefined ? byId.get(e.device) : undefined;
    const member = e.member ?? record?.member ?? undefined;
    const memberName = member !== undefined ? memberNames?.(member) : undefined;
    return {
      ...e,
      ...(record ? { deviceName: record.name } : {}),
      ...(memberName !== undefined ? { memberName } : {}),
    };
  });
}
