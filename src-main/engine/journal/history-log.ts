import { mkdir, open, readFile, readdir, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEntry, HistoryLog, HistoryQuery } from '../ports/journal.ts';
import type { Clock } from '../ports/clock.ts';
import { systemClock } from '../ports/clock.ts';
import { writeFileAtomic } from '../fsx/atomic-file.ts';
import { decodeLine, decodeLines, encodeLine } from './line-codec.ts';
import { JournalClosedError, JournalFormatError } from './journal-errors.ts';
import { HISTORY_FORMAT, HISTORY_VERSION, checkEntry, checkQuery, parseEntry } from './history-schema.ts';
import { HistoryIndex } from './history-index.ts';

export interface FileHistoryLogOptions {
  /** A segment is closed and a new one started past this size. Default 10 MiB. */
  segmentBytes?: number;
  /** Oldest segments beyond this count are deleted. Default 50 (about 500 MB at the default size). */
  maxSegments?: number;
  clock?: Clock;
}

const HEADER = { format: HISTORY_FORMAT, version: HISTORY_VERSION };
const SEGMENT = /^history-(\d{6})\.jsonl$/;
const segmentName = (n: number) => `history-${String(n).padStart(6, '0')}.jsonl`;

/**
 * History in append-only segments of checksummed JSON lines (the journal's line format), newest last.
 * Entries are parsed once, on the first query, and kept in memory; appends update that cache, so a query
 * for the newest page of 100,000 entries parses nothing. Order is append order, shown newest first.
 */
export class FileHistoryLog implements HistoryLog {
  private index: HistoryIndex | null = null;
  private loading: Promise<HistoryIndex> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly dir: string,
    private segments: { n: number; count: number | null }[],
    private fh: FileHandle,
    private size: number,
    private readonly segmentBytes: number,
    private readonly maxSegments: number,
    private readonly clock: Clock,
  ) {}

  static async open(dir: string, opts: FileHistoryLogOptions = {}): Promise<FileHistoryLog> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const ns = (await readdir(dir)).map((f) => SEGMENT.exec(f)?.[1]).filter((m) => m !== undefined).map(Number).sort((a, b) => a - b);
    if (ns.length === 0) {
      await writeFileAtomic(join(dir, segmentName(1)), encodeLine(HEADER));
      ns.push(1);
    }
    const last = ns[ns.length - 1]!;
    const size = await cutTornTail(join(dir, segmentName(last)));
    const fh = await open(join(dir, segmentName(last)), 'a', 0o600);
    return new FileHistoryLog(dir, ns.map((n) => ({ n, count: null })), fh, size,
      opts.segmentBytes ?? 10 << 20, Math.max(1, opts.maxSegments ?? 50), opts.clock ?? systemClock);
  }

  append(entries: HistoryEntry[], opts: { durable?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new JournalClosedError(this.dir, 'closed'));
    if (!Array.isArray(entries)) return Promise.reject(new TypeError('append(): entries must be an array'));
    let checked: HistoryEntry[];
    try {
      checked = entries.map(checkEntry);
    } catch (err) {
      return Promise.reject(err);
    }
    const run = this.chain.then(() => this.write(checked, opts.durable !== false));
    this.chain = run.catch(() => undefined);
    return run;
  }

  async query(q: HistoryQuery = {}): Promise<{ entries: HistoryEntry[]; total: number }> {
    const { limit = 100, offset = 0, actions, pathContains, since, until, foldNoChange } = checkQuery(q);
    const index = await this.load();
    return index.query({
      limit, offset, actions, pathContains, fold: foldNoChange === true,
      ...(since !== undefined ? { since: Date.parse(since) } : {}), ...(until !== undefined ? { until: Date.parse(until) } : {}),
    });
  }

  async bytesPerDay(days: number, utcOffsetMinutes = 0): Promise<{ day: string; bytes: number }[]> {
    if (!Number.isInteger(days) || days < 1 || days > 3660) throw new TypeError('bytesPerDay(): days must be an integer from 1 to 3660');
    if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > 14 * 60) {
      throw new TypeError('bytesPerDay(): utcOffsetMinutes must be a whole number of minutes from -840 to 840');
    }
    return (await this.load()).bytesPerDay(days, this.clock.now(), utcOffsetMinutes * 60_000);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    await this.fh.close();
  }

  private async write(entries: HistoryEntry[], durable: boolean): Promise<void> {
    if (entries.length === 0) return;
    const data = Buffer.concat(entries.map(encodeLine));
    if (this.size + data.length > this.segmentBytes && this.size > encodeLine(HEADER).length) await this.rotate();
    for (let off = 0; off < data.length; ) off += (await this.fh.write(data, off, data.length - off)).bytesWritten;
    if (durable) await this.fh.datasync();
    this.size += data.length;
    const seg = this.segments[this.segments.length - 1]!;
    if (seg.count !== null) seg.count += entries.length;
    this.index?.add(entries);
  }

  private async rotate(): Promise<void> {
    const n = this.segments[this.segments.length - 1]!.n + 1;
    const path = join(this.dir, segmentName(n));
    await writeFileAtomic(path, encodeLine(HEADER));
    const old = this.fh;
    this.fh = await open(path, 'a', 0o600);
    this.size = encodeLine(HEADER).length;
    await old.close();
    this.segments.push({ n, count: this.index ? 0 : null });
    while (this.segments.length > this.maxSegments) {
      const gone = this.segments.shift()!;
      await unlink(join(this.dir, segmentName(gone.n))).catch(() => undefined);
      // Counts are known once loaded; before that, the next load simply no longer sees the file.
      if (this.index && gone.count !== null) this.index.dropOldest(gone.count);
    }
  }

  private async load(): Promise<HistoryIndex> {
    if (this.closed) throw new JournalClosedError(this.dir, 'closed');
    if (this.index) return this.index;
    // Loaded inside the write chain, so no append lands between reading the files and using the cache.
    if (!this.loading) {
      const loading = this.chain.then(async () => {
        const index = new HistoryIndex();
        for (const seg of this.segments) {
          const entries = await readSegment(join(this.dir, segmentName(seg.n)));
          seg.count = entries.length;
          index.add(entries);
        }
        this.index = index;
        return index;
      });
      this.loading = loading;
      this.chain = loading.then(() => undefined, () => undefined);
      loading.catch(() => {
        if (this.loading === loading) this.loading = null; // let a later query try again
      });
    }
    return this.loading;
  }
}

async function readSegment(path: string): Promise<HistoryEntry[]> {
  const buf = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return Buffer.alloc(0);
    throw err;
  });
  if (buf.length === 0) return [];
  const { lines } = decodeLines(buf);
  const head = lines[0];
  const header = head?.lineNo === 1 ? (head.value as { format?: unknown; version?: unknown }) : undefined;
  if (header?.format !== HISTORY_FORMAT) throw new JournalFormatError(path, 'not a Coffer history segment, or its header line is damaged');
  if (header.version !== HISTORY_VERSION) {
    throw new JournalFormatError(path, `history format version ${String(header.version)} is not supported (this build reads version ${HISTORY_VERSION})`);
  }
  // History is a record for people, not a source of truth: a damaged line is skipped.
  return lines.slice(1).map((l) => parseEntry(l.value)).filter((e): e is HistoryEntry => e !== undefined);
}

/** Past this, a last line is not looked for alone (history lines are a few hundred bytes). */
const TAIL_BYTES = 64 * 1024;

/**
 * The file's size when its last line is whole and checks (the common case: every append ends on a line
 * boundary), from its tail alone; null when that cannot be told from the tail. Appends only ever tear
 * the last line, so a good last line means nothing needs cutting. Why: opening the history is on every
 * pass's path, and decoding a 10 MiB segment (100,000 lines of a first backup) cost hundreds of ms.
 */
async function wholeSizeFromTail(path: string): Promise<number | null> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, TAIL_BYTES);
    const tail = Buffer.alloc(len);
    for (let got = 0; got < len; ) {
      const { bytesRead } = await fh.read(tail, got, len - got, size - len + got);
      if (bytesRead === 0) return null;
      got += bytesRead;
    }
    if (len === 0 || tail[len - 1] !== 0x0a) return null;
    const start = tail.lastIndexOf(0x0a, len - 2) + 1;
    if (start === 0 && len < size) return null; // the last line is longer than the tail
    return decodeLine(tail.subarray(start, len - 1)) === undefined ? null : size;
  } finally {
    await fh.close();
  }
}

/** Cuts a torn last line so the next append starts on a line boundary; returns the resulting size. */
async function cutTornTail(path: string): Promise<number> {
  const whole = await wholeSizeFromTail(path);
  if (whole !== null) return whole;
  const buf = await readFile(path);
  const { goodEnd } = decodeLines(buf);
  if (goodEnd === 0) throw new JournalFormatError(path, 'not a Coffer history segment, or its header line is damaged');
  if (goodEnd < buf.length) {
    const fh = await open(path, 'r+');
    try {
      await fh.truncate(goodEnd);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  return goodEnd;
}
