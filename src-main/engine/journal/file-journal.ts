import { mkdir, open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Journal, JournalRecord } from '../ports/journal.ts';
import type { UploadCheckpoint } from '../ports/blob-store.ts';
import { writeFileAtomic } from '../fsx/atomic-file.ts';
import { decodeLines, encodeLine } from './line-codec.ts';
import { GroupCommitWriter } from './group-commit.ts';
import { ProcessLock } from './process-lock.ts';
import { JournalClosedError, JournalFormatError } from './journal-errors.ts';
import {
  JOURNAL_FORMAT, JOURNAL_VERSION, checkCheckpoint, checkRecord, headerSchema, parseLine,
} from './journal-schema.ts';
import type { JournalLine } from './journal-schema.ts';

export interface FileJournalOptions {
  /** File name inside the state folder; the lock is `<fileName>.lock`. Default 'journal.jsonl'. */
  fileName?: string;
  /** Told about damage found by open(): a torn tail cut off, corrupt lines skipped. */
  onWarning?: (message: string) => void;
}

/** What open() had to repair. A torn tail is normal after a crash; corrupt lines are not. */
export interface JournalRecovery {
  tornTailBytes: number;
  corruptLines: number[];
}

type Committed = Extract<JournalRecord, { type: 'committed' }>;

const HEADER = { format: JOURNAL_FORMAT, version: JOURNAL_VERSION };

/**
 * Journal in one append-only file of checksummed JSON lines (see line-codec.ts), opened by one process
 * at a time. State is kept in memory and changes only after the fsync that made a line durable.
 */
export class FileJournal implements Journal {
  private lastCommit: Committed | null = null;
  private records: JournalRecord[] = [];
  private readonly cps = new Map<string, UploadCheckpoint>();
  private readonly writer: GroupCommitWriter<JournalLine>;
  private gate: Promise<void> | null = null;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly lock: ProcessLock,
    fh: FileHandle,
    readonly recovery: JournalRecovery,
  ) {
    this.writer = new GroupCommitWriter<JournalLine>(fh, (lines) => lines.forEach((l) => this.apply(l)));
  }

  static async open(stateDir: string, opts: FileJournalOptions = {}): Promise<FileJournal> {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const path = join(stateDir, opts.fileName ?? 'journal.jsonl');
    const lock = await ProcessLock.acquire(`${path}.lock`);
    try {
      const { lines, recovery } = await loadFile(path);
      const fh = await open(path, 'a', 0o600);
      const j = new FileJournal(path, lock, fh, recovery);
      for (const l of lines) j.apply(l);
      if (recovery.tornTailBytes > 0) {
        opts.onWarning?.(`${path}: ignored a torn last record (${recovery.tornTailBytes} bytes) left by a crash`);
      }
      if (recovery.corruptLines.length > 0) {
        opts.onWarning?.(`${path}: skipped corrupt lines ${recovery.corruptLines.join(', ')}`);
      }
      return j;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  async append(record: JournalRecord): Promise<void> {
    await this.write(checkRecord(record));
  }

  async pending(): Promise<JournalRecord[]> {
    this.assertOpen();
    return structuredClone(this.records);
  }

  /** The last durable 'committed' record: the newest root this device knows it wrote. */
  lastCommitted(): { rootId: string; seq: number } | null {
    return this.lastCommit && { rootId: this.lastCommit.rootId, seq: this.lastCommit.seq };
  }

  /** Keeps the last 'committed' record, the records after it and the live checkpoints. */
  async compact(): Promise<void> {
    this.assertOpen();
    await this.exclusive(async () => {
      const lines: unknown[] = [HEADER];
      if (this.lastCommit) lines.push(this.lastCommit);
      lines.push(...this.records);
      for (const [objectId, cp] of this.cps) lines.push({ type: 'checkpoint', objectId, cp });
      try {
        await writeFileAtomic(this.path, Buffer.concat(lines.map(encodeLine)));
        const old = this.writer.replaceHandle(await open(this.path, 'a', 0o600));
        await old.close();
      } catch (err) {
        // The rename may or may not have happened: appending to the old handle could write to an
        // unlinked file, so refuse further writes; reopening the journal recovers.
        this.writer.fail(new JournalClosedError(this.path, 'unusable after a failed compaction; reopen it', { cause: err }));
        throw err;
      }
    });
  }

  /**
   * True once a failed write or compaction left the file's state unknown: every later write is refused,
   * and only closing and opening the journal again (which re-reads the file) makes it usable.
   */
  get needsReopen(): boolean {
    return !this.closed && this.writer.failed !== null;
  }

  checkpoints(objectId: string): {
    load(): Promise<UploadCheckpoint | null>;
    save(cp: UploadCheckpoint): Promise<void>;
    clear(): Promise<void>;
  } {
    if (typeof objectId !== 'string' || objectId === '') throw new TypeError('checkpoints(): objectId must be a non-empty string');
    return {
      load: async () => {
        this.assertOpen();
        const cp = this.cps.get(objectId);
        return cp ? structuredClone(cp) : null;
      },
      save: async (cp) => this.write({ type: 'checkpoint', objectId, cp: checkCheckpoint(cp) }),
      clear: async () => this.write({ type: 'checkpoint', objectId, cp: null }),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.exclusive(async () => {
      this.closed = true;
      await this.writer.close(new JournalClosedError(this.path, 'closed'));
      await this.lock.release();
    });
  }

  private async write(line: JournalLine): Promise<void> {
    this.assertOpen();
    while (this.gate) await this.gate;
    this.assertOpen();
    await this.writer.append(encodeLine(line), line);
  }

  /** Runs fn with no write in flight and none starting until it ends. */
  private async exclusive(fn: () => Promise<void>): Promise<void> {
    while (this.gate) await this.gate;
    const run = (async () => {
      await this.writer.idle();
      await fn();
    })();
    const gate = run.then(() => undefined, () => undefined);
    this.gate = gate;
    try {
      await run;
    } finally {
      if (this.gate === gate) this.gate = null;
    }
  }

  private apply(line: JournalLine): void {
    if (line.type === 'checkpoint') {
      if (line.cp) this.cps.set(line.objectId, line.cp);
      else this.cps.delete(line.objectId);
    } else if (line.type === 'committed') {
      this.lastCommit = line;
      this.records = [];
    } else {
      this.records.push(line);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new JournalClosedError(this.path, 'closed');
  }
}

/** Reads and checks the file, creating it if missing, and cuts a torn tail so appends start clean. */
async function loadFile(path: string): Promise<{ lines: JournalLine[]; recovery: JournalRecovery }> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    buf = Buffer.alloc(0);
  }
  if (buf.length === 0) {
    await writeFileAtomic(path, encodeLine(HEADER));
    return { lines: [], recovery: { tornTailBytes: 0, corruptLines: [] } };
  }
  const decoded = decodeLines(buf);
  const first = decoded.lines[0];
  if (!first || first.lineNo !== 1) throw new JournalFormatError(path, 'not a Coffer journal, or its header line is damaged');
  const header = headerSchema.safeParse(first.value);
  if (!header.success || header.data.format !== JOURNAL_FORMAT) throw new JournalFormatError(path, 'not a Coffer journal');
  if (header.data.version !== JOURNAL_VERSION) {
    throw new JournalFormatError(path, `journal format version ${header.data.version} is not supported (this build reads version ${JOURNAL_VERSION})`);
  }
  const lines: JournalLine[] = [];
  const corruptLines = [...decoded.corruptLines];
  for (const l of decoded.lines.slice(1)) {
    const parsed = parseLine(l.value);
    if (parsed) lines.push(parsed);
    else corruptLines.push(l.lineNo);
  }
  const tornTailBytes = buf.length - decoded.goodEnd;
  if (tornTailBytes > 0) {
    const fh = await open(path, 'r+');
    try {
      await fh.truncate(decoded.goodEnd);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  return { lines, recovery: { tornTailBytes, corruptLines: corruptLines.sort((a, b) => a - b) } };
}
