/** Another live process holds the journal lock. */
export class JournalLockedError extends Error {
  constructor(readonly lockPath: string, readonly pid: number) {
    super(`${lockPath} is held by process ${pid}; is another Coffer running? If not, delete the lock file.`);
    this.name = 'JournalLockedError';
  }
}

/** The file is not a journal this build can read (wrong format name, unknown version, bad header). */
export class JournalFormatError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'JournalFormatError';
  }
}

/** The journal was closed, or an earlier write or fsync failed so its durable state is unknown. */
export class JournalClosedError extends Error {
  constructor(readonly path: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`${path}: journal is ${reason}`, options);
    this.name = 'JournalClosedError';
  }
}
