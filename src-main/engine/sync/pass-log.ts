import type { Clock } from '../ports/clock.ts';
import type { HistoryEntry, HistoryLog } from '../ports/journal.ts';

type Note = Omit<HistoryEntry, 'time' | 'syncId'>;

/**
 * History lines written per append (one write and one fdatasync each): a pass of 100,000 uploads is
 * 100,000 lines, about 12 MB encoded, and one append built them all at once, twice over (each line, then
 * their concatenation), at the end of the pass when its memory is highest.
 */
export const HISTORY_BATCH = 4096;

/**
 * The history lines one pass collects as it goes; appended to the history log at the end. Kept compact
 * until then: the note as given, and its time as a string shared by every note of the same millisecond
 * (a cold pass of 100,000 files notes each one). The lines are built only as they are appended.
 */
export class PassLog {
  private readonly notes: Note[] = [];
  private readonly times: string[] = [];
  private lastMs = Number.NaN;
  private lastTime = '';

  constructor(private readonly clock: Clock, readonly syncId: string) {}

  /** The clock's now, as every record of the pass writes it. */
  now(): string {
    const ms = this.clock.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastTime = new Date(ms).toISOString();
    }
    return this.lastTime;
  }

  note(e: Note): void {
    this.times.push(this.now());
    this.notes.push(e);
  }

  /**
   * Appends every line to the history, HISTORY_BATCH at a time, each batch durable unless told otherwise
   * (each batch syncs its own write, so a segment the log rotates away from in between is synced too).
   */
  async appendTo(history: HistoryLog, opts: { durable?: boolean } = {}): Promise<void> {
    for (let from = 0; from < this.notes.length; from += HISTORY_BATCH) {
      await history.append(this.slice(from, from + HISTORY_BATCH), opts);
    }
  }

  private slice(from: number, to: number): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let i = from; i < Math.min(to, this.notes.length); i++) out.push({ time: this.times[i]!, syncId: this.syncId, ...this.notes[i]! });
    return out;
  }
}
