// The history's date filter: whole local days, as a date input gives them.

/** A range of whole local days, as a date input gives them (YYYY-MM-DD); either end may be open. */
export interface DayRange {
  from?: string;
  to?: string;
}

/** The query's [since, until) for a range of local days: from's midnight to the midnight after `to`. */
export function dayRangeQuery(range: DayRange): { since?: string; until?: string } {
  const midnight = (day: string, plusDays = 0) => {
    const [y, m, d] = day.split('-').map(Number);
    return new Date(y!, m! - 1, d! + plusDays).toISOString();
  };
  const valid = (day: string | undefined): day is string => !!day && /^\d{4}-\d{2}-\d{2}$/.test(day);
  return {
    ...(valid(range.from) ? { since: midnight(range.from) } : {}),
    ...(valid(range.to) ? { until: midnight(range.to, 1) } : {}),
  };
}

/** This machine's zone now, in minutes east of UTC (what bytesPerDay takes to cut local days). */
export function localUtcOffsetMinutes(at = Date.now()): number {
  return -new Date(at).getTimezoneOffset();
}
