import type { HistoryAction, HistoryEntry } from '../ports/journal.ts';
import { isNoChangePass } from './no-change.ts';

export interface IndexQuery {
  limit: number;
  offset: number;
  actions?: HistoryAction[];
  pathContains?: string;
  /** Epoch ms, half-open: since <= time < until. */
  since?: number;
  until?: number;
  /** No-change passes next to each other (among the matches) come back as one row with `folded`. */
  fold?: boolean;
}

/**
 * Parsed history in memory, oldest first, with lower-cased paths and parsed times kept beside for the
 * filters, and the folded rows (runs of no-change passes as one) kept up to date, so the newest page of a
 * million entries, folded or not, costs a page.
 */
export class HistoryIndex {
  private entries: HistoryEntry[] = [];
  private lowerPaths: (string | undefined)[] = [];
  private times: number[] = [];
  /** rowStart[r]: the oldest entry of folded row r; a row runs up to the next row's start. */
  private rowStart: number[] = [];

  add(entries: HistoryEntry[]): void {
    for (const e of entries) {
      const i = this.entries.length;
      this.entries.push(e);
      this.lowerPaths.push(e.path?.toLowerCase());
      this.times.push(Date.parse(e.time));
      const open = this.rowStart.at(-1);
      if (!(isNoChangePass(e) && open !== undefined && isNoChangePass(this.entries[open]!))) this.rowStart.push(i);
    }
  }

  dropOldest(n: number): void {
    const kept = this.entries.slice(n);
    this.entries = [];
    this.lowerPaths = [];
    this.times = [];
    this.rowStart = [];
    this.add(kept);
  }

  query(q: IndexQuery): { entries: HistoryEntry[]; total: number } {
    const filtered = q.actions !== undefined || q.pathContains !== undefined || q.since !== undefined || q.until !== undefined;
    if (!filtered) return q.fold ? this.foldedPage(q.offset, q.limit) : this.plainPage(q.offset, q.limit);
    const actions = q.actions ? new Set(q.actions) : null;
    const needle = q.pathContains?.toLowerCase();
    const since = q.since ?? -Infinity;
    const until = q.until ?? Infinity;
    const end = q.offset + q.limit;
    const page: HistoryEntry[] = [];
    let total = 0;
    let previousNoChange = false;
    /** The folded row on this page that older no-change matches join, if the run started on the page. */
    let run: HistoryEntry | null = null;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (actions && !actions.has(e.action)) continue;
      if (needle !== undefined && !(this.lowerPaths[i]?.includes(needle) ?? false)) continue;
      const t = this.times[i]!;
      if (!(t >= since && t < until)) continue;
      const noChange = q.fold === true && isNoChangePass(e);
      if (noChange && previousNoChange) {
        if (run?.folded) run.folded = { count: run.folded.count + 1, since: e.time };
        continue;
      }
      previousNoChange = noChange;
      run = null;
      if (total >= q.offset && total < end) {
        const row = structuredClone(e);
        if (noChange) run = Object.assign(row, { folded: { count: 1, since: e.time } });
        page.push(row);
      }
      total++;
    }
    return { entries: page, total };
  }

  private plainPage(offset: number, limit: number): { entries: HistoryEntry[]; total: number } {
    const n = this.entries.length;
    const page: HistoryEntry[] = [];
    for (let i = n - 1 - offset; i >= 0 && i > n - 1 - offset - limit; i--) page.push(this.entries[i]!);
    return { entries: structuredClone(page), total: n };
  }

  private foldedPage(offset: number, limit: number): { entries: HistoryEntry[]; total: number } {
    const rows = this.rowStart.length;
    const page: HistoryEntry[] = [];
    for (let r = rows - 1 - offset; r >= 0 && r > rows - 1 - offset - limit; r--) {
      const first = this.rowStart[r]!;
      const last = (r + 1 < rows ? this.rowStart[r + 1]! : this.entries.length) - 1;
      const row = structuredClone(this.entries[last]!);
      if (isNoChangePass(row)) row.folded = { count: last - first + 1, since: this.entries[first]!.time };
      page.push(row);
    }
    return { entries: page, total: rows };
  }

  /**
   * Upload bytes per day for the `days` days ending today, oldest first, zeros included; the days are
   * those of the zone `offsetMs` east of UTC (times are shifted by it, then cut at UTC midnights).
   */
  bytesPerDay(days: number, nowMs: number, offsetMs = 0): { day: string; bytes: number }[] {
    const DAY = 86_400_000;
    const today = Math.floor((nowMs + offsetMs) / DAY);
    const first = today - days + 1;
    const bytes = new Array<number>(days).fill(0);
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.action !== 'upload' || !e.size) continue;
      const d = Math.floor((this.times[i]! + offsetMs) / DAY);
      if (d >= first && d <= today) bytes[d - first]! += e.size;
    }
    return bytes.map((b, i) => ({ day: new Date((first + i) * DAY).toISOString().slice(0, 10), bytes: b }));
  }
}
