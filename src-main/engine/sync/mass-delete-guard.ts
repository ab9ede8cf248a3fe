/** Raised instead of deleting: the user (CLI prompt, UI dialog) decides, then re-runs with allowMassDelete. */
export class MassDeleteError extends Error {
  constructor(readonly wouldDelete: number, readonly total: number, readonly threshold: number) {
    super(
      `this pass would delete ${wouldDelete} of ${total} files (more than ${Math.round(threshold * 100)} %); ` +
        'nothing was deleted. If that is intended, run sync again with --allow-mass-delete',
    );
    this.name = 'MassDeleteError';
  }
}

/**
 * A folder that suddenly looks empty is more often an unmounted disk or a wrong path than a real wish
 * to delete everything, so large delete sets pause. Tiny vaults (under 4 files) are exempt: there a
 * single delete is already "half".
 */
export function checkMassDelete(wouldDelete: number, total: number, threshold: number, allowed: boolean): void {
  if (allowed || total < 4) return;
  if (wouldDelete / total > threshold) throw new MassDeleteError(wouldDelete, total, threshold);
}
