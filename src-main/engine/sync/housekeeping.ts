/**
 * Work done after a commit that the commit does not depend on: journal compaction, history, retention,
 * the dead-upload sweep, spool cleanup. Once the head has moved the pass has succeeded, so a failure
 * here (one connection reset during a prune) must not turn it into a failed sync: each step runs on its
 * own, and a failure becomes a warning for the result and the history. Every step is safe to redo, and
 * the next pass redoes it.
 */
export class Housekeeping {
  readonly warnings: string[] = [];

  /** Runs `step`; returns its value, or undefined after recording why it failed. */
  async run<T>(what: string, step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (err) {
      this.warnings.push(`${what} failed after the commit; the sync is committed and this is retried next time: ${(err as Error).message}`);
      return undefined;
    }
  }
}
