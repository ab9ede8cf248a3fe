/**
 * The name of a restored copy: `notes.txt` -> `notes (restored 2026-12-01 2118).txt`. The extension stays
 * last so the copy still opens with the same app; the time is local (the zone the UI shows, passed in),
 * to the minute, as people read it. Restoring a copy again does not nest the suffix: the old one is
 * replaced. A name already taken gets a counter: `notes (restored 2026-12-01 2118 2).txt`.
 */

/** ` (restored …)` at the end of a stem: this format, or the older ISO one (`2026-12-01T21-18-00Z`). */
const RESTORED_SUFFIX = / \(restored [0-9TZ:\- ]+\)$/;

export class InvalidTimeZoneError extends Error {
  constructor(readonly timeZone: string) {
    super(`unknown time zone "${timeZone}": give an IANA name such as Europe/Berlin`);
    // Named so the IPC layer answers 400 (ipc/errors.ts): the request is wrong, not the engine.
    this.name = 'InvalidRequestError';
  }
}

/** `YYYY-MM-DD HHMM` of `time` in `timeZone` (the system's zone when omitted). */
export function restoreStamp(time: Date, timeZone?: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).formatToParts(time);
  } catch (err) {
    if (timeZone !== undefined && err instanceof RangeError) throw new InvalidTimeZoneError(timeZone);
    throw err;
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}${part('minute')}`;
}

/**
 * `relPath` (a vault path, `/`-separated) with its last segment renamed as a restored copy. `attempt` 1
 * is the plain name; 2, 3, … add a counter for when the plain one is taken.
 */
export function restoredCopyPath(relPath: string, time: Date, opts: { timeZone?: string; attempt?: number } = {}): string {
  const slash = relPath.lastIndexOf('/');
  const dir = slash >= 0 ? relPath.slice(0, slash + 1) : '';
  const name = relPath.slice(slash + 1).replace(RESTORED_SUFFIX, '');
  const { stem, ext } = splitExtension(name);
  const counter = opts.attempt && opts.attempt > 1 ? ` ${opts.attempt}` : '';
  return `${dir}${stem.replace(RESTORED_SUFFIX, '')} (restored ${restoreStamp(time, opts.timeZone)}${counter})${ext}`;
}

/** `report.pdf` -> report + .pdf; `.bashrc` and `Makefile` have no extension; `a.tar.gz` keeps `.gz`. */
function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  // A leading dot names a hidden file, not an extension; a "extension" with spaces is part of the name.
  if (dot <= 0 || dot === name.length - 1 || /\s/.test(name.slice(dot))) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}
