import type { Clock } from '../ports/clock.ts';
import type { HistoryEntry } from '../ports/journal.ts';

/** The history lines one pass collects as it goes; appended to the history log once, at the end. */
export class PassLog {
  readonly entries: HistoryEntry[] = [];

  constructor(private readonly clock: Clock, readonly syncId: string) {}

  /** The clock's now, as every record of the pass writes it. */
  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  note(e: Omit<HistoryEntry, 'time' | 'syncId'>): void {
    this.entries.push({ time: this.now(), syncId: this.syncId, ...e });
  }
}
