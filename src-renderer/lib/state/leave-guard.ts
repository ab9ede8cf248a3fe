// Lets a view with unsaved work have a say before App switches away from it. App owns navigation and
// puts one LeaveGuard in the Svelte context; a view holds it while it shows (Settings does).
export type LeaveCheck = () => boolean | Promise<boolean>;

export const LEAVE_GUARD = Symbol('coffer.leave-guard');

export class LeaveGuard {
  private readonly checks = new Set<LeaveCheck>();

  /** Registers a check while the view shows; returns the function that removes it. */
  hold(check: LeaveCheck): () => void {
    this.checks.add(check);
    return () => {
      this.checks.delete(check);
    };
  }

  /** True when every view that holds agrees to be left; each may ask its user first. */
  async mayLeave(): Promise<boolean> {
    for (const check of [...this.checks]) {
      if (!(await check())) return false;
    }
    return true;
  }
}
