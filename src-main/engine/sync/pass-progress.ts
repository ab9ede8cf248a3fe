import type { Clock } from '../ports/clock.ts';
import type { ScanEntry } from '../ports/scanner.ts';
import type { SyncProgress } from '../ports/vault-service.ts';

/**
 * The progress one pass reports: every candidate (files, folders, symlinks) counts one toward
 * filesTotal and is counted done at its turn, whatever happened to it, so the last report reaches the
 * total. Only file contents count as bytes: a folder's st_size is no work to upload.
 */
export class PassProgress {
  private readonly progress: SyncProgress;
  private readonly started: number;

  constructor(candidates: readonly ScanEntry[], private readonly clock: Clock, private readonly onProgress?: (p: SyncProgress) => void) {
    const bytesTotal = candidates.reduce((n, c) => n + (c.kind === 'file' ? c.size : 0), 0);
    this.progress = { filesDone: 0, filesTotal: candidates.length, bytesDone: 0, bytesTotal };
    this.started = clock.now();
  }

  /** One candidate's turn is over (stored, unchanged, skipped or failed). */
  done(c: ScanEntry): void {
    this.progress.filesDone++;
    if (c.kind === 'file') this.progress.bytesDone += c.size;
    if (!this.onProgress) return;
    const elapsed = (this.clock.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.progress.bytesDone / elapsed : 0;
    const etaSeconds = rate > 0 ? Math.round((this.progress.bytesTotal - this.progress.bytesDone) / rate) : undefined;
    this.onProgress({ ...this.progress, etaSeconds });
  }
}
