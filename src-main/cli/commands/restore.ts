import { Vault } from '../../engine/vault/vault.ts';
import { readSecretArg, str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { formatBytes, showPath } from '../output.ts';
import { parseAtTime } from '../at-time.ts';
import { vaultPathArg } from '../vault-path.ts';
import { existingChoice } from '../restore-choice.ts';

export async function restoreCommand(ctx: CommandContext): Promise<number> {
  const to = str(ctx.flags, 'to');
  if (!to) throw new UsageError('usage: coffer restore [<folder>] --to <dir> [--path <relpath>] [--at <time>]  |  coffer restore --remote <url> (--key <ref> | --recovery-key <key|@file>) --to <dir>');
  const atText = str(ctx.flags, 'at');
  const at = atText ? parseAtTime(atText, new Date()) : undefined;
  const remote = str(ctx.flags, 'remote');
  const recovery = str(ctx.flags, 'recovery-key');
  const vault = remote
    ? await Vault.openRemote(ctx.env, {
        remote, endpoint: str(ctx.flags, 'endpoint'), allowHttp: ctx.flags['allow-http'] === true,
        keyRef: str(ctx.flags, 'key'), recoveryKey: recovery ? await readSecretArg(recovery) : undefined,
        profile: str(ctx.flags, 'profile'),
      })
    : await Vault.open(ctx.env, ctx.args[0]);
  try {
    const report = await vault.restore(to, {
      path: vaultPathArg(str(ctx.flags, 'path'), vault.settings?.folder), at, preserveMode: ctx.flags['preserve-mode'] === true,
      existing: existingChoice(ctx.flags),
      onProgress: (d, t, b) => ctx.out.progress('restore', d, t, b),
    });
    ctx.out.endProgress();
    if (vault.settings) {
      const time = new Date().toISOString();
      await (await vault.history()).append([
        { time, action: 'restore', size: report.bytes, reason: `${report.restored} entries to ${to}${atText ? ` as of ${atText}` : ''}` },
        ...report.problems.map((p) => ({ time, action: 'error' as const, path: p.path, reason: `restore: ${p.reason}` })),
      ]);
    }
    const lines = [`Restored ${report.restored} entries (${formatBytes(report.bytes)}) to ${to} from the snapshot of ${report.snapshot.time}`
      + (report.skipped ? `; kept ${report.skipped} that already existed` : '')];
    for (const p of report.problems) lines.push(`  problem: ${showPath(p.path)}: ${p.reason}`);
    ctx.out.result(lines.join('\n'), report);
    return report.problems.length ? 3 : 0;
  } finally {
    await vault.close();
  }
}
