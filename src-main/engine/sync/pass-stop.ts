/**
 * A pass stopped at a safe point because it was asked to (Pause during a running sync). Thrown between
 * files while storing content, before anything is committed: the objects already stored are journaled
 * as uploaded, so the next pass reuses them (resume-map.ts), and the head, the index and the folder are
 * as the last pass left them. Nothing is lost and nothing is half-committed.
 */
export class PassStoppedError extends Error {
  override name = 'PassStoppedError';
  constructor(readonly filesDone: number, readonly filesTotal: number) {
    super(`the pass was paused after ${filesDone} of ${filesTotal} files; what was stored is kept for the next pass`);
  }
}
