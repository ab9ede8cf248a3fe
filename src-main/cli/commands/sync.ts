import { Vault } from '../../engine/vault/vault.ts';
import { VaultSyncer } from '../../engine/vault/vault-sync.ts';
import { Maintenance, maintainedSync } from '../../engine/vault/maintenance.ts';
import type { CommandContext } from '../context.ts';
import { MassDeleteError } from '../../engine/sync/mass-delete-guard.ts';
import { confirm } from '../prompt.ts';
import { formatBytes, notStoredLines } from '../output.ts';

/** One pass. Exit 0 only when everything is synced; 3 when some file could not be stored this time. */
export async function syncCommand(ctx: CommandContext): Promise<number> {
  const vault = await Vault.open(ctx.env, ctx.args[0]);
  const syncer = new VaultSyncer(vault, {
    onProgress: (p) => ctx.out.progress('sync', p.filesDone, p.filesTotal, p.bytesDone),
  });
  // One pass with the maintenance a runner would schedule: rotation when due, the daily prune.
  const maintenance = new Maintenance(vault);
  const once = (allowMassDelete: boolean) => maintainedSync(vault, syncer, maintenance, { allowMassDelete });
  try {
    const r = await once(ctx.flags['allow-mass-delete'] === true).catch(async (err: unknown) => {
      // The guard pauses and asks; without a terminal to ask, the error tells how to proceed.
      if (!(err instanceof MassDeleteError) || ctx.out.json) throw err;
      ctx.out.endProgress();
      const yes = await confirm(`This pass would delete ${err.wouldDelete} of ${err.total} files from the vault (old versions stay for the retention period). Go ahead?`);
      if (!yes) throw err;
      return once(true);
    });
    ctx.out.endProgress();
    // Names that will not restore on Windows, housekeeping after the commit that failed (retried next
    // time): the sync itself stands, exit code unchanged.
    for (const w of r.warnings) ctx.out.info(`warning: ${w}`);
    const { index: _index, committed: _committed, ...summary } = r;
    ctx.out.result(
      `${r.complete && r.errors === 0 ? 'Up to date' : 'Synced with problems'}: ${r.uploaded} uploaded, ${r.renamed} renamed, ` +
        `${r.deleted} deleted, ${r.skipped} skipped, ${r.errors} errors (${formatBytes(r.bytes)} stored)` +
        notStoredLines(r.problems),
      summary,
    );
    return r.complete && r.errors === 0 ? 0 : 3;
  } finally {
    ctx.out.endProgress();
    await syncer.close();
    await vault.close();
  }
}
