// One ticking clock for relative times ("2 min ago"), so they stay true while a view stays open.
const TICK_MS = 30_000;

class Now {
  value = $state(Date.now());
  private timer: ReturnType<typeof setInterval> | undefined;
  private users = 0;

  /** Starts ticking while anything shows a relative time; returns the stop for that user. */
  use(): () => void {
    this.users += 1;
    this.value = Date.now();
    this.timer ??= setInterval(() => (this.value = Date.now()), TICK_MS);
    return () => {
      this.users -= 1;
      if (this.users === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }
}

export const now = new Now();
