import { link, open, readFile, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { JournalLockedError } from './journal-errors.ts';

/**
 * A lock file that holds the owner's pid, created exclusively: the pid is written to a private temp file
 * (O_EXCL) and hard-linked into place, so the lock is never seen empty or half written. A lock left by a
 * dead process (kill -9, power loss) is taken over; one held by a live process is refused.
 *
 * Limits: a pid reused by an unrelated process makes a stale lock look live (the error says which file to
 * delete); two processes taking over the same stale lock at the same instant can both win. Both are rare
 * on a single-user desktop.
 */
export class ProcessLock {
  private constructor(readonly path: string) {}

  static async acquire(path: string): Promise<ProcessLock> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await tryCreate(path)) return new ProcessLock(path);
      const holder = await readPid(path);
      // Our own pid means a second open() inside this process: the contract refuses that too.
      if (holder !== null && isAlive(holder)) throw new JournalLockedError(path, holder);
      await unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    throw new Error(`${path}: could not take the lock (it keeps reappearing)`);
  }

  /** Removes the lock only if it is still ours. */
  async release(): Promise<void> {
    if ((await readPid(this.path)) === process.pid) await unlink(this.path).catch(() => undefined);
  }
}

async function tryCreate(path: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    // No fsync: the lock only matters while its holder runs. After a power loss the file may come back
    // empty or garbled, which readPid() takes for stale, or with a dead pid, which is stale too.
    await fh.writeFile(`${process.pid}\n`);
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** null for a missing, empty or garbled lock file: a crash while creating it, so it is stale. */
async function readPid(path: string): Promise<number | null> {
  try {
    const n = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
