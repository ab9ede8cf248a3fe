import { LocalVault, Vault } from '../../engine/vault/vault.ts';
import { readSecretArg, str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { formatBytes, showPath } from '../output.ts';

export async function restoreCommand(ctx: CommandContext): Promise<number> {
  const to = str(ctx.flags, 'to');
  if (!to) throw new UsageError('usage: coffer restore [<folder>] --to <dir> [--path <relpath>] [--at <time>]  |  coffer restore --remote <url> (--key <ref> | --recovery-key <key|@file>) --to <dir>');
  const atText = str(ctx.flags, 'at');
  const at = atText ? new Date(atText) : undefined;
  if (at && Number.isNaN(at.getTime())) throw new UsageError(`--at: "${atText}" is not an ISO-8601 time (e.g. 2026-11-27T10:00:00Z)`);
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
      path: str(ctx.flags, 'path'), at, preserveMode: ctx.flags['preserve-mode'] === true,
      onProgress: (d, t, b) => ctx.out.progress('restore', d, t, b),
    });
    ctx.out.endProgress();
    if (vault instanceof LocalVault) {
      const time = new Date().toISOString();
      await (await vault.history()).append([
        { time, action: 'restore', size: report.bytes, reason: `${report.restored} entries to ${to}${atText ? ` as of ${atText}` : ''}` },
        ...report.problems.map((p) => ({ time, action: 'error' as const, path: p.path, reason: `restore: ${p.reason}` })),
      ]);
    }
    const lines = [`Restored ${report.restored} entries (${formatBytes(report.bytes)}) to ${to} from the snapshot of ${report.snapshot.time}`];
    for (const p of report.problems) lines.push(`  problem: ${showPath(p.path)}: ${p.reason}`);
    ctx.out.result(lines.join('\n'), report);
    return report.problems.length ? 3 : 0;
  } finally {
    await vault.close();
  }
}
