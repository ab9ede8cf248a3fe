import { UsageError } from './prompt.ts';

/**
 * `--at`: the moment a restore looks back to. `new Date(text)` accepts almost anything ("Dec 1" became
 * 2001-12-01, "12" the year 2001), so only these forms are taken:
 *   - ISO-8601: 2026-11-27, 2026-11-27T10:00, 2026-11-27T10:00:00Z, 2026-11-27T10:00:00.5+01:00
 *     (a date or time without a zone is local time, as in JavaScript);
 *   - relative to now: <n>m, <n>h, <n>d or <n>w (minutes, hours, days, weeks ago), e.g. 90m, 3h, 2d;
 *   - "yesterday" (this time yesterday) and "now".
 */
export const AT_FORMS_HELP = 'ISO-8601 (2026-11-27, 2026-11-27T10:00, 2026-11-27T10:00:00Z) or a time ago: 90m, 3h, 2d, 1w, yesterday';

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const AGO = /^(\d+)\s*(m|min|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseAtTime(text: string, now: Date): Date {
  const t = text.trim();
  const ago = AGO.exec(t);
  if (ago) return new Date(now.getTime() - Number(ago[1]) * UNIT_MS[ago[2]!.toLowerCase()]!);
  if (/^yesterday$/i.test(t)) return new Date(now.getTime() - UNIT_MS.d!);
  if (/^now$/i.test(t)) return new Date(now.getTime());
  if (ISO.test(t)) {
    // A date alone is UTC midnight to `new Date`; people mean their own midnight, like a date with a time.
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00` : t.replace(' ', 'T'));
    if (!Number.isNaN(d.getTime()) && sameCalendarDate(t, d)) return d;
  }
  throw new UsageError(`--at: "${text}" is not a time Coffer reads; give ${AT_FORMS_HELP}`);
}

/** Refuses dates the engine would roll over (2026-02-31 is not 3 March). */
function sameCalendarDate(text: string, d: Date): boolean {
  const [y, m, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return day <= daysInMonth && !Number.isNaN(d.getTime());
}
