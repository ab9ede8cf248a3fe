// How one history entry reads: what happened, where it came from, and who did it, by name.
import type { HistoryEntry } from './api-types.ts';
import type { DayRange, HistoryFilter } from './state/history-state.svelte.ts';

export const ACTION_TEXT: Record<HistoryEntry['action'], string> = {
  upload: 'Uploaded', delete: 'Deleted', rename: 'Renamed', skip: 'Skipped', error: 'Error', restore: 'Restored',
  verify: 'Verified', sync: 'Sync', key: 'Key', warning: 'Warning', pull: 'Pulled', conflict: 'Conflict',
};

/** Where a moved file was before: the entry's `from`, or (entries written before it existed) its reason. */
export function movedFrom(e: HistoryEntry): string | undefined {
  if (e.action !== 'rename') return undefined;
  return e.from ?? /^moved from (.+); no upload needed$/u.exec(e.reason ?? '')?.[1];
}

/** An id nobody named yet: its start is enough to tell two apart, the whole id is in the title. */
const shortId = (id: string) => (id.length > 10 ? `${id.slice(0, 8)}…` : id);

/**
 * Who made the change and on which device, by the names people gave them; an id only where no name is
 * known (a device the names have not caught up with), marked as such. Empty in a one-device vault.
 */
export function who(e: HistoryEntry): { text: string; title: string } {
  const member = e.memberName ?? (e.member !== undefined ? `member ${shortId(e.member)}` : undefined);
  const device = e.deviceName ?? (e.device !== undefined ? `unknown device ${shortId(e.device)}` : undefined);
  const text = [member, device].filter((x) => x !== undefined).join(' · ');
  const ids = [e.member && `member id ${e.member}`, e.device && `device id ${e.device}`].filter(Boolean).join(', ');
  return { text, title: ids ? `${text} (${ids})` : text };
}

const EMPTY_FILTER: Record<HistoryFilter, string> = {
  all: 'Nothing synced', uploads: 'No uploads', renames: 'No renamed or moved files', deletes: 'No deletions',
  pulls: 'Nothing from other devices', conflicts: 'No conflicts', errors: 'No errors',
};
const FILTER_NOUN: Record<HistoryFilter, string> = {
  all: '', uploads: 'uploads', renames: 'renamed files', deletes: 'deletions', pulls: 'changes from other devices', conflicts: 'conflicts', errors: 'errors',
};

/** What an empty list says: "Nothing synced yet." only when nothing narrows it; else what found nothing. */
export function emptyText(filter: HistoryFilter, search: string, range: DayRange): string {
  const inRange = range.from || range.to ? ' in these dates' : '';
  const needle = search.trim();
  if (needle) return `No match for “${needle}”${filter === 'all' ? '' : ` among ${FILTER_NOUN[filter]}`}${inRange}.`;
  if (filter !== 'all' || inRange) return `${EMPTY_FILTER[filter]}${inRange}.`;
  return 'Nothing synced yet.';
}

/**
 * A pass's summary line ("uploaded 2, renamed 0, deleted 0, …") with only what happened: "2 uploaded,
 * 1 deleted"; "nothing changed" when every count is 0. A reason of another shape is returned as it is.
 */
export function passSummary(reason: string | undefined): string {
  if (!reason) return '';
  const parts = reason.split(', ').map((p) => /^([a-z]+) (\d+)$/.exec(p));
  if (parts.some((m) => m === null)) return reason;
  const done = parts.filter((m) => Number(m![2]) > 0).map((m) => `${Number(m![2]).toLocaleString('en')} ${m![1]}`);
  return done.length ? done.join(', ') : 'nothing changed';
}
