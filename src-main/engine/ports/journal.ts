import type { UploadCheckpoint } from './blob-store.ts';

/**
 * Journal: the durable local record of sync work (intent → uploaded → committed) and of history.
 *
 * Contract
 * - append() resolves only after the record is durable (fsync'd): a kill -9 after it resolves never loses
 *   the record. A kill -9 during append() loses at most that record, and a torn last line is ignored
 *   when the journal is read again.
 * - pending() returns the records after the last 'committed' record: the work a crashed run left.
 * - compact() may drop everything up to the last 'committed' record; it is atomic (temp, fsync, rename).
 * - The journal is used by one process at a time: open() takes an exclusive lock and refuses a second.
 */
export interface Journal {
  append(record: JournalRecord): Promise<void>;
  pending(): Promise<JournalRecord[]>;
  compact(): Promise<void>;
  /** Multipart progress for one object, kept in the journal so an upload resumes after a restart. */
  checkpoints(objectId: string): {
    load(): Promise<UploadCheckpoint | null>;
    save(cp: UploadCheckpoint): Promise<void>;
    clear(): Promise<void>;
  };
  close(): Promise<void>;
}

export type JournalRecord =
  | {
      type: 'intent';
      objectId: string;
      /** 'chunks': a chunk pack (format 4), whose files are its chunks. */
      kind: 'data' | 'pack' | 'chunks';
      /**
       * Files (and byte ranges of the object's plaintext) this object will hold. In a chunk pack, one per
       * chunk: `hash` is its keyed id, `offset` the message's byte offset in the pack, `length` its plaintext
       * length, `message` the id its encryption context names and `sealed` the message's length.
       */
      files: { path: string; hash: string; offset: number; length: number; message?: string; sealed?: number }[];
      /** Spooled ciphertext, kept so a multipart upload can resume with the same bytes. */
      spool?: string;
      /**
       * A content-defined chunk (format 3): the one file entry's `hash` is the chunk's keyed id, not the
       * file's hash, and `offset` is where the chunk starts in that file. Reused by id after a crash.
       */
      chunk?: true;
    }
  | { type: 'uploaded'; objectId: string; size: number }
  | { type: 'committed'; rootId: string; seq: number }
  | { type: 'abandoned'; objectId: string; reason: string };

/**
 * HistoryLog: what the user sees as sync history. Persistent, append-only, queried newest first.
 */
export interface HistoryLog {
  /**
   * Appends in order. Resolves once the lines are on disk (fsync), unless `durable: false`: then they
   * are written but not flushed, and a crash may lose them (a no-change pass's one summary line, which
   * records nothing a later pass needs). A later durable append flushes them too.
   */
  append(entries: HistoryEntry[], opts?: { durable?: boolean }): Promise<void>;
  query(q?: HistoryQuery): Promise<{ entries: HistoryEntry[]; total: number }>;
  /**
   * Bytes uploaded per day, for the dashboard chart: UTC days, or with `utcOffsetMinutes` the days of that
   * zone (the viewer's, so the chart's dates are the ones the UI shows elsewhere).
   */
  bytesPerDay(days: number, utcOffsetMinutes?: number): Promise<{ day: string; bytes: number }[]>;
  close(): Promise<void>;
}

export type HistoryAction =
  | 'upload' | 'delete' | 'rename' | 'skip' | 'error' | 'restore' | 'verify' | 'sync' | 'key'
  /** Housekeeping after a commit failed (prune, upload sweep, spool cleanup): the pass still committed. */
  | 'warning'
  /** A change another device committed, applied to this folder. */
  | 'pull'
  /** Both sides changed one path: `path` kept its name, `copyPath` holds the other version. */
  | 'conflict';

export interface HistoryEntry {
  time: string; // ISO-8601
  action: HistoryAction;
  path?: string;
  size?: number;
  reason?: string;
  /** Groups the entries of one sync pass. */
  syncId?: string;
  /** Who made the change (pulls and conflicts): member and device ids, names resolved for display. */
  member?: string;
  device?: string;
  /** 'conflict': where the other version was written. */
  copyPath?: string;
  /** 'rename': the path the file had before (older entries say it only in `reason`). */
  from?: string;
  /**
   * Only in query results with `foldNoChange`, never stored: this row stands for `count` passes in a row
   * that changed nothing; `time` is the newest one's, `since` the oldest one's.
   */
  folded?: { count: number; since: string };
}

export interface HistoryQuery {
  limit?: number;
  /** Skip this many of the newest matches (paging). */
  offset?: number;
  actions?: HistoryAction[];
  pathContains?: string;
  /** Entries at or after this time (ISO-8601). */
  since?: string;
  /** Entries before this time (ISO-8601): since/until is a half-open range, so days tile. */
  until?: string;
  /**
   * Sync passes that changed nothing and follow each other (among the matches) come back as one row with
   * `folded`; `total` counts rows, so offset/limit page over what is shown.
   */
  foldNoChange?: boolean;
}
