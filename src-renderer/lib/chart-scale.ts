// Axes for the bytes-per-day chart: round byte ticks in the units formatBytes shows, and day labels.

const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/**
 * Ticks from 0 to at least `max`, at most five, each a round number of B, KiB, MiB… (so the labels read
 * "0 B, 200 MiB, 400 MiB"). A max of 0 still gets an axis: 0 to 1 KiB.
 */
export function byteTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1024];
  let unit = 1;
  while (max / unit >= 1024 && unit < 1024 ** 4) unit *= 1024;
  const v = max / unit;
  const step = (STEPS.find((s) => Math.ceil(v / s) <= 4) ?? 1024) * unit;
  const n = Math.max(1, Math.ceil(max / step));
  return Array.from({ length: n + 1 }, (_, i) => i * step);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar day "2026-11-27" as "27 Nov"; anything else as given. */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]}`;
}

/** Which of n days get a label: the first, the last, and about `want` evenly between. */
export function labelledDays(n: number, want = 4): number[] {
  if (n <= 0) return [];
  if (n === 1) return [0];
  const every = Math.max(1, Math.round((n - 1) / Math.max(1, want - 1)));
  const out: number[] = [];
  for (let i = 0; i < n - 1; i += every) if (n - 1 - i >= every / 2) out.push(i);
  out.push(n - 1);
  return out;
}
