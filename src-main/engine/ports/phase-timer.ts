/**
 * PhaseTimer: where a run's time goes, phase by phase (`coffer sync --debug` prints it on stderr).
 *
 * Contract
 * - `time(name, work)` runs `work` and returns (or throws) what it does; the phase is recorded either way,
 *   so a failing step still shows its cost. Phases started inside another one are nested under it.
 * - `mark(name, ms)` records a span measured elsewhere (the process start-up, which ran before any timer).
 * - It never changes what the work does: the no-op timer is the default everywhere.
 * - Not for concurrent phases of one parent: the nesting follows the calls in flight, as a stack.
 */
export interface PhaseTimer {
  time<T>(name: string, work: () => Promise<T>): Promise<T>;
  mark(name: string, ms: number): void;
}

export const noPhaseTimer: PhaseTimer = {
  time: (_name, work) => work(),
  mark: () => undefined,
};

export interface Phase {
  name: string;
  /** How deep inside other phases (0: top level). */
  depth: number;
  ms: number;
}

/** Records phases on an injected monotonic clock (`performance.now` in the CLI, a counter in tests). */
export class PhaseRecorder implements PhaseTimer {
  readonly phases: Phase[] = [];
  private depth = 0;

  constructor(private readonly now: () => number) {}

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const phase: Phase = { name, depth: this.depth, ms: 0 };
    // Pushed first so a phase is listed before the phases it contains.
    this.phases.push(phase);
    const start = this.now();
    this.depth++;
    try {
      return await work();
    } finally {
      this.depth--;
      phase.ms = this.now() - start;
    }
  }

  mark(name: string, ms: number): void {
    this.phases.push({ name, depth: this.depth, ms });
  }

  /** One line per phase, indented by nesting, milliseconds right-aligned; `total` closes the list. */
  report(total?: number): string {
    const rows = this.phases.map((p) => `${'  '.repeat(p.depth)}${p.name}`);
    const width = Math.max(10, ...rows.map((r) => r.length));
    const line = (label: string, ms: number) => `${label.padEnd(width)}  ${ms.toFixed(1).padStart(9)} ms`;
    const lines = this.phases.map((p, i) => line(rows[i]!, p.ms));
    if (total !== undefined) lines.push(line('total', total));
    return lines.join('\n');
  }
}
