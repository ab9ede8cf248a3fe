import type { Clock, TimerHandle } from '../ports/clock.ts';

/**
 * Runs `tick` every `intervalMs()` on the injected clock (so tests move time instead of sleeping), never
 * two at once: the next wait starts when a tick has ended, so a slow tick delays the next one rather than
 * piling up. The interval is read again before each wait (a settings change applies from the next one);
 * 0 stops the task. A tick handles its own errors; one that throws anyway does not stop the task.
 */
export class PeriodicTask {
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: () => number,
    private readonly tick: () => Promise<void>,
  ) {}

  start(): void {
    this.stopped = false;
    this.arm();
  }

  /** Returns once no tick is running; none starts afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.running;
  }

  private arm(): void {
    const ms = this.intervalMs();
    if (this.stopped || this.timer || !(ms > 0)) return;
    this.timer = this.clock.schedule(ms, () => {
      this.timer = null;
      if (this.stopped) return;
      this.running = this.tick()
        .catch(() => undefined)
        .finally(() => {
          this.running = null;
          this.arm();
        });
    });
  }
}
