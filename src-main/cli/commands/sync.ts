import { openVault, syncOnce } from '../../engine/api.ts';
import type { CommandContext } from '../context.ts';
import { confirm } from '../prompt.ts';
import { formatBytes, notStoredLines } from '../format.ts';

/** One pass. Exit 0 only when everything is synced; 3 when some file could not be stored this time. */
export async function syncCommand(ctx: CommandContext): Promise<number> {
  try {
    return await syncAndReport(ctx);
  } finally {
    // --debug: where the whole process's time went, on stderr (stdout stays the result, --json too).
    if (ctx.flags.debug === true && ctx.phases) process.stderr.write(`phases:\n${ctx.phases.report(performance.now())}\n`);
  }
}

async function syncAndReport(ctx: CommandContext): Promise<number> {
  const phases = ctx.env.phases;
  const vault = await (phases ? phases.time('opening the vault', () => openVault(ctx.env, ctx.args[0])) : openVault(ctx.env, ctx.args[0]));
  try {
    const r = await syncOnce(vault, {
      allowMassDelete: ctx.flags['allow-mass-delete'] === true,
      repack: ctx.flags.repack === true,
      onProgress: (p) => ctx.out.progress('sync', p.filesDone, p.filesTotal, p.bytesDone),
      // The guard pauses and asks; without a terminal to ask (or with --json), the error tells how to proceed.
      confirmMassDelete: ctx.out.json ? undefined : (d) => {
        ctx.out.endProgress();
        return confirm(`This pass would delete ${d.wouldDelete} of ${d.total} files from the vault (old versions stay for the retention period). Go ahead?`);
      },
    });
    ctx.out.endProgress();
    // Names that will not restore on Windows, housekeeping after the commit that failed (retried next
    // time): the sync itself stands, exit code unchanged.
    for (const w of r.warnings) ctx.out.info(`warning: ${w}`);
    ctx.out.result(
      `${r.complete && r.errors === 0 ? 'Up to date' : 'Synced with problems'}: ${r.uploaded} uploaded, ${r.renamed} renamed, ` +
        `${r.deleted} deleted, ${r.skipped} skipped, ${r.errors} errors (${formatBytes(r.bytes)} stored)` +
        // What other devices changed: files brought into the folder, and each version kept as a copy.
        (r.pulled > 0 ? `; ${r.pulled} pulled from other devices` : '') +
        r.conflicts.map((c) => `\n  conflict: ${c.path} was changed on both sides; the other version is kept as ${c.copyPath}`).join('') +
        notStoredLines(r.problems) +
        repackLine(r.repacked, ctx.flags.repack === true),
      r,
    );
    return r.complete && r.errors === 0 ? 0 : 3;
  } finally {
    ctx.out.endProgress();
    await (phases ? phases.time('closing the vault', () => vault.close()) : vault.close());
  }
}

/** What a repack did (the daily one, or --repack); why it did nothing only when it was asked for. */
function repackLine(r: Awaited<ReturnType<typeof syncOnce>>['repacked'], asked: boolean): string {
  if (!r || (!r.rootId && !asked)) return '';
  if (r.skipped) return `\nRepack skipped: ${r.skipped}`;
  if (!r.rootId) return '\nRepack: no pack is mostly unused';
  return `\nRepacked ${r.packs} packs: ${r.files} files, ${formatBytes(r.freedBytes)} freed once retention lets the older snapshots go`;
}
