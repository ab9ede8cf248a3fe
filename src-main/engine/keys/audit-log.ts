import { createHash } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry } from '../ports/vault-service.ts';
import type { Clock } from '../ports/clock.ts';
import { systemClock } from '../ports/clock.ts';
import { writeFileAtomic } from '../fsx/atomic-file.ts';

/**
 * A local, append-only, hash-chained record of what happened to keys (create, rotate, wrap, ...).
 *
 * Each JSONL line carries `prev`, the SHA-256 of the previous line's exact text (the first line links
 * to a fixed genesis hash), so editing or removing a line in the middle breaks the chain. Cutting lines
 * off the end keeps the chain intact, so a small head file records the count and the hash of the last
 * line; verify() compares the two. Someone who can rewrite both files can forge history: this log
 * detects accidents and casual edits, it is not a notary.
 *
 * One writer per state folder: appends within a process are serialised; two processes are not.
 */
export interface AuditLog {
  append(e: { op: AuditEntry['op']; key: string; version?: number; detail?: string }): Promise<AuditEntry>;
  list(): Promise<AuditEntry[]>;
  verify(): Promise<{ ok: true } | { ok: false; problem: string; line?: number }>;
  /** Resolves once every append already made has reached the disk (log and head file). */
  settled(): Promise<void>;
}

export const AUDIT_GENESIS = sha256('coffer-audit-log-v1');

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

interface StoredLine extends AuditEntry {
  prev: string;
}

export class FileAuditLog implements AuditLog {
  readonly logPath: string;
  readonly headPath: string;
  private tail: Promise<unknown> = Promise.resolve();
  private state: { count: number; head: string } | null = null;

  constructor(stateDir: string, private readonly clock: Clock = systemClock) {
    this.logPath = join(stateDir, 'key-audit.jsonl');
    this.headPath = join(stateDir, 'key-audit.head.json');
  }

  append(e: { op: AuditEntry['op']; key: string; version?: number; detail?: string }): Promise<AuditEntry> {
    const run = this.tail.then(() => this.appendNow(e));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async settled(): Promise<void> {
    await this.tail;
  }

  private async appendNow(e: { op: AuditEntry['op']; key: string; version?: number; detail?: string }): Promise<AuditEntry> {
    const st = this.state ?? (await this.lastState());
    const entry: AuditEntry = {
      seq: st.count + 1,
      time: new Date(this.clock.now()).toISOString(),
      op: e.op,
      key: e.key,
      ...(e.version !== undefined ? { version: e.version } : {}),
      ...(e.detail !== undefined ? { detail: e.detail } : {}),
    };
    // Fixed key order makes the line its own canonical form.
    const line = JSON.stringify({ ...entry, prev: st.head });
    await mkdir(join(this.logPath, '..'), { recursive: true });
    const fh = await open(this.logPath, 'a', 0o600);
    try {
      await fh.write(line + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    this.state = { count: entry.seq, head: sha256(line) };
    await writeFileAtomic(this.headPath, JSON.stringify({ v: 1, ...this.state }) + '\n');
    return entry;
  }

  /** Continues the chain from the last line on disk, even if an earlier problem exists (verify reports it). */
  private async lastState(): Promise<{ count: number; head: string }> {
    const lines = await this.lines();
    const last = lines.at(-1);
    if (last === undefined) return { count: 0, head: AUDIT_GENESIS };
    let seq = lines.length;
    try {
      seq = (JSON.parse(last) as StoredLine).seq;
    } catch {
      /* a damaged last line: keep counting by lines; verify() will say where */
    }
    return { count: seq, head: sha256(last) };
  }

  private async lines(): Promise<string[]> {
    try {
      const text = await readFile(this.logPath, 'utf8');
      return text.split('\n').filter((l) => l.length > 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async list(): Promise<AuditEntry[]> {
    await this.tail;
    const out: AuditEntry[] = [];
    for (const l of await this.lines()) {
      try {
        const { prev: _prev, ...entry } = JSON.parse(l) as StoredLine;
        out.push(entry);
      } catch {
        /* verify() reports damaged lines; list shows what can be read */
      }
    }
    return out;
  }

  async verify(): Promise<{ ok: true } | { ok: false; problem: string; line?: number }> {
    await this.tail;
    const lines = await this.lines();
    let prev = AUDIT_GENESIS;
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i] as string;
      let parsed: StoredLine;
      try {
        parsed = JSON.parse(text) as StoredLine;
      } catch {
        return { ok: false, problem: `line ${i + 1} is not valid JSON`, line: i + 1 };
      }
      if (parsed.prev !== prev) {
        return { ok: false, problem: `line ${i + 1} does not link to the line before it (edited or removed entries)`, line: i + 1 };
      }
      if (parsed.seq !== i + 1) {
        return { ok: false, problem: `line ${i + 1} has sequence number ${parsed.seq}`, line: i + 1 };
      }
      prev = sha256(text);
    }
    let head: { count: number; head: string } | null = null;
    try {
      head = JSON.parse(await readFile(this.headPath, 'utf8')) as { count: number; head: string };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { ok: false, problem: 'the head file is damaged' };
    }
    if (head === null) {
      return lines.length === 0 ? { ok: true } : { ok: false, problem: 'the head file is missing' };
    }
    if (head.count > lines.length) {
      return { ok: false, problem: `the log was truncated: ${head.count} entries recorded, ${lines.length} present` };
    }
    if (head.count < lines.length || head.head !== prev) {
      return { ok: false, problem: `the log does not end where the head file says (entry ${head.count})` };
    }
    return { ok: true };
  }
}
