import type { HistoryAction, HistoryEntry } from '../ports/journal.ts';

/** Parsed history in memory, oldest first, with lower-cased paths kept beside for pathContains. */
export class HistoryIndex {
  private entries: HistoryEntry[] = [];
  private lowerPaths: (string | undefined)[] = [];

  add(entries: HistoryEntry[]): void {
    for (const e of entries) {
      this.entries.push(e);
      this.lowerPaths.push(e.path?.toLowerCase());
    }
  }

  dropOldest(n: number): void {
    this.entries.splice(0, n);
    this.lowerPaths.splice(0, n);
  }

  query(q: { limit: number; offset: number; actions?: HistoryAction[]; pathContains?: string }): { entries: HistoryEntry[]; total: number } {
    const n = this.entries.length;
    const end = q.offset + q.limit;
    if (!q.actions && q.pathContains === undefined) {
      const page: HistoryEntry[] = [];
      for (let i = n - 1 - q.offset; i >= 0 && i > n - 1 - end; i--) page.push(this.entries[i]!);
      return { entries: structuredClone(page), total: n };
    }
    const actions = q.actions ? new Set(q.actions) : null;
    const needle = q.pathContains?.toLowerCase();
    const page: HistoryEntry[] = [];
    let total = 0;
    for (let i = n - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (actions && !actions.has(e.action)) continue;
      if (needle !== undefined && !(this.lowerPaths[i]?.includes(needle) ?? false)) continue;
      if (total >= q.offset && total < end) page.push(e);
      total++;
    }
    return { entries: structuredClone(page), total };
  }

  /** Upload bytes per UTC day for the `days` days ending today, oldest first, zeros included. */
  bytesPerDay(days: number, nowMs: number): { day: string; bytes: number }[] {
    const DAY = 86_400_000;
    const today = Math.floor(nowMs / DAY);
    const first = today - days + 1;
    const bytes = new Array<number>(days).fill(0);
    for (const e of this.entries) {
      if (e.action !== 'upload' || !e.size) continue;
      const d = Math.floor(Date.parse(e.time) / DAY);
      if (d >= first && d <= today) bytes[d - first]! += e.size;
    }
    return bytes.map((b, i) => ({ day: new Date((first + i) * DAY).toISOString().slice(0, 10), bytes: b }));
  }
}
