import { restoreVault, vaultFolder } from '../../engine/api.ts';
import { str, type CommandContext } from '../context.ts';
import { openVaultFor } from '../open-vault.ts';
import { UsageError } from '../prompt.ts';
import { formatBytes, showPath } from '../format.ts';
import { parseAtTime } from '../at-time.ts';
import { vaultPathArg } from '../vault-path.ts';
import { existingChoice } from '../restore-choice.ts';

export async function restoreCommand(ctx: CommandContext): Promise<number> {
  const to = str(ctx.flags, 'to');
  if (!to) throw new UsageError('usage: coffer restore [<folder>] --to <dir> [--path <relpath>] [--at <time>]  |  coffer restore --remote <url> (--key <ref> | --recovery-key <key|@file>) --to <dir>');
  const atText = str(ctx.flags, 'at');
  const at = atText ? parseAtTime(atText, new Date()) : undefined;
  const vault = await openVaultFor(ctx);
  try {
    const report = await restoreVault(vault, {
      to, path: vaultPathArg(str(ctx.flags, 'path'), vaultFolder(vault)), at, preserveMode: ctx.flags['preserve-mode'] === true,
      existing: existingChoice(ctx.flags),
      onProgress: (d, t, b) => ctx.out.progress('restore', d, t, b),
    });
    ctx.out.endProgress();
    const lines = [`Restored ${report.restored} entries (${formatBytes(report.bytes)}) to ${to} from the snapshot of ${report.snapshot.time}`
      + (report.skipped ? `; kept ${report.skipped} that already existed` : '')];
    for (const p of report.problems) lines.push(`  problem: ${showPath(p.path)}: ${p.reason}`);
    ctx.out.result(lines.join('\n'), report);
    return report.problems.length ? 3 : 0;
  } finally {
    await vault.close();
  }
}
