import type { Clock } from '../ports/clock.ts';
import type { ScanEntry } from '../ports/scanner.ts';
import type { SyncProgress } from '../ports/vault-service.ts';

/**
 * The progress one pass reports: every candidate (files, folders, symlinks) counts one toward
 * filesTotal and is counted done at its turn, whatever happened to it, so the last report reaches the
 * total. Only file contents count as bytes: a folder's st_size is no work to upload.
 */
/** Files at least this large are announced when their turn begins. */
const LARGE_FILE = 8 * 1024 * 1024;

export class PassProgress {
  private readonly progress: SyncProgress;
  private readonly started: number;

  constructor(candidates: readonly ScanEntry[], private readonly clock: Clock, private readonly onProgress?: (p: SyncProgress) => void) {
    const bytesTotal = candidates.reduce((n, c) => n + (c.kind === 'file' ? c.size : 0), 0);
    this.progress = { filesDone: 0, filesTotal: candidates.length, bytesDone: 0, bytesTotal };
    this.started = clock.now();
  }

  /**
   * A candidate's turn begins: it becomes the current file. Reported at once only for a large file (it
   * takes a while, and the user should see what), so a folder of small files sends one event per file.
   */
  start(c: ScanEntry): void {
    this.progress.currentFile = c.path;
    if (c.kind === 'file' && c.size >= LARGE_FILE) this.report();
  }

  /** One candidate's turn is over (stored, unchanged, skipped or failed). */
  done(c: ScanEntry): void {
    this.progress.filesDone++;
    if (c.kind === 'file') this.progress.bytesDone += c.size;
    this.report();
  }

  private report(): void {
    if (!this.onProgress) return;
    const elapsed = (this.clock.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.progress.bytesDone / elapsed : 0;
    const etaSeconds = rate > 0 ? Math.round((this.progress.bytesTotal - this.progress.bytesDone) / rate) : undefined;
    this.onProgress({ ...this.progress, etaSeconds, ...(elapsed > 0 ? { bytesPerSecond: Math.round(rate) } : {}) });
  }
}
