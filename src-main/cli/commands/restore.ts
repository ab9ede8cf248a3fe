import { restoreVault } from '../../engine/api.ts';
import { str, type CommandContext } from '../context.ts';
import { openVaultFor } from '../open-vault.ts';
import { UsageError } from '../prompt.ts';
import { formatBytes, showPath } from '../format.ts';

export async function restoreCommand(ctx: CommandContext): Promise<number> {
  const to = str(ctx.flags, 'to');
  if (!to) throw new UsageError('usage: coffer restore [<folder>] --to <dir> [--path <relpath>] [--at <time>]  |  coffer restore --remote <url> (--key <ref> | --recovery-key <key|@file>) --to <dir>');
  const atText = str(ctx.flags, 'at');
  const at = atText ? new Date(atText) : undefined;
  if (at && Number.isNaN(at.getTime())) throw new UsageError(`--at: "${atText}" is not an ISO-8601 time (e.g. 2026-11-27T10:00:00Z)`);
  const vault = await openVaultFor(ctx);
  try {
    const report = await restoreVault(vault, {
      to, path: str(ctx.flags, 'path'), at, preserveMode: ctx.flags['preserve-mode'] === true,
      onProgress: (d, t, b) => ctx.out.progress('restore', d, t, b),
    });
    ctx.out.endProgress();
    const lines = [`Restored ${report.restored} entries (${formatBytes(report.bytes)}) to ${to} from the snapshot of ${report.snapshot.time}`];
    for (const p of report.problems) lines.push(`  problem: ${showPath(p.path)}: ${p.reason}`);
    ctx.out.result(lines.join('\n'), report);
    return report.problems.length ? 3 : 0;
  } finally {
    await vault.close();
  }
}
