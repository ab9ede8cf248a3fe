import type { FileHandle } from 'node:fs/promises';

interface Waiter<T> {
  data: Buffer;
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: appends that arrive while a write+fsync is in flight wait and go out together in the next
 * one, so N small concurrent records cost one fsync, not N. Every append resolves only after the fsync
 * that covered its bytes. After a failed write or fsync the file's state is unknown (a failed fsync may
 * have dropped dirty pages), so the writer refuses everything after that.
 */
export class GroupCommitWriter<T> {
  private queue: Waiter<T>[] = [];
  private running: Promise<void> | null = null;
  private failure: unknown = null;

  /** onDurable runs after each fsync, before the waiters resolve, with the batch's items in order. */
  constructor(
    private fh: FileHandle,
    private readonly onDurable: (items: T[]) => void,
  ) {}

  append(data: Buffer, item: T): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ data, item, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves once every append made so far is durable (or failed). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Swaps the file handle (after compaction renamed a new file into place). Call only when idle. */
  replaceHandle(fh: FileHandle): FileHandle {
    const old = this.fh;
    this.fh = fh;
    return old;
  }

  /** Waits for in-flight appends, closes the file, and refuses every later append with `reason`. */
  async close(reason: unknown): Promise<void> {
    await this.idle();
    this.failure ??= reason;
    await this.fh.close();
  }

  /** Refuses every later append: used when the file's state became unknown outside a write. */
  fail(err: unknown): void {
    this.failure ??= err;
  }

  get failed(): unknown {
    return this.failure;
  }

  private async drain(): Promise<void> {
    // Yield once so appends issued in the same tick join the first batch.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        if (this.failure !== null) throw this.failure;
        await writeAll(this.fh, Buffer.concat(batch.map((w) => w.data)));
        // datasync: an append changes the size, and fdatasync flushes the size with the data.
        await this.fh.datasync();
        this.onDurable(batch.map((w) => w.item));
        for (const w of batch) w.resolve();
      } catch (err) {
        this.failure ??= err;
        for (const w of batch) w.reject(err);
      }
    }
    this.running = null;
  }
}

/** The handle is opened for append, so each write lands at the end whatever the position. */
async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}
