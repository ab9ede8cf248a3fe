import { fstatSync } from 'node:fs';

export interface ParentWatchOptions {
  /** How often to look at the parent process id. */
  everyMs?: number;
  /** The current parent process id (process.ppid; injectable for tests). */
  ppid?: () => number;
  stdin?: NodeJS.ReadStream;
}

/**
 * Resolves when the process that started this one is gone. A server started by `npx coffer ui`, a
 * script or a supervisor must not outlive it, answering on a port nobody owns. On POSIX an orphan is
 * re-parented (to init or a subreaper), so a changed ppid means the parent died, however it was killed.
 * A pipe on stdin that reaches its end means the same for a parent that talks to us through it; a
 * terminal or /dev/null on stdin is not watched (those never "end" because a parent died).
 */
export function untilParentGone(opts: ParentWatchOptions = {}): { gone: Promise<void>; stop(): void } {
  const ppid = opts.ppid ?? (() => process.ppid);
  const stdin = opts.stdin ?? process.stdin;
  const first = ppid();
  let timer: NodeJS.Timeout | undefined;
  let onEnd: (() => void) | undefined;
  const gone = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (ppid() !== first) resolve();
    }, opts.everyMs ?? 1000);
    timer.unref();
    if (isPipe(stdin)) {
      onEnd = () => resolve();
      stdin.once('end', onEnd);
      stdin.resume();
    }
  });
  return {
    gone,
    stop: () => {
      clearInterval(timer);
      if (onEnd) {
        stdin.off('end', onEnd);
        stdin.pause();
      }
    },
  };
}

function isPipe(stdin: NodeJS.ReadStream): boolean {
  try {
    const st = fstatSync((stdin as NodeJS.ReadStream & { fd?: number }).fd ?? 0);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}
