import type { HistoryEntry } from '../ports/journal.ts';

// A pass's summary line (sync/sync-pass.ts) names its counts in words; a pass that changed nothing has
// every count 0. Older lines lack "conflicts"; both read the same.
const NO_CHANGE = /^uploaded 0, renamed 0, deleted 0, pulled 0(?:, conflicts 0)?, skipped 0, errors 0$/;

/** A sync pass's summary line that says nothing changed: the lines history folds into one row. */
export function isNoChangePass(e: HistoryEntry): boolean {
  return e.action === 'sync' && !e.size && e.reason !== undefined && NO_CHANGE.test(e.reason);
}
