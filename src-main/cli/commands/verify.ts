import { Vault } from '../../engine/vault/vault.ts';
import { str, type CommandContext } from '../context.ts';
import { UsageError } from '../prompt.ts';
import { formatBytes } from '../output.ts';

/** Exit 0 when every checked file authenticates and matches the manifest; 3 naming each bad file. */
export async function verifyCommand(ctx: CommandContext): Promise<number> {
  if (ctx.flags.quick === true) {
    const vault = await Vault.open(ctx.env, ctx.args[0]);
    try {
      return await (await import('./verify-quick.ts')).verifyQuick(ctx, vault);
    } finally {
      await vault.close();
    }
  }
  const sampleText = str(ctx.flags, 'sample');
  const sample = sampleText === undefined ? 100 : Number(sampleText);
  if (!Number.isFinite(sample) || sample <= 0 || sample > 100) throw new UsageError('--sample takes a percentage from 0 (exclusive) to 100');
  const vault = await Vault.open(ctx.env, ctx.args[0]);
  try {
    const r = await vault.verify({ samplePercent: sample });
    const time = new Date().toISOString();
    await (await vault.history()).append([
      { time, action: 'verify', size: r.bytesChecked, reason: `${r.filesChecked} files checked (${sample} % sample), ${r.bad.length} bad` },
      ...r.bad.map((b) => ({ time, action: 'error' as const, path: b.path, reason: `verify: ${b.reason}` })),
    ]);
    const lines = [`Verified ${r.filesChecked} files (${formatBytes(r.bytesChecked)}): ${r.bad.length ? `${r.bad.length} BAD` : 'all good'}`];
    for (const b of r.bad) lines.push(`  BAD ${b.path}: ${b.reason}`);
    ctx.out.result(lines.join('\n'), { ok: r.bad.length === 0, ...r });
    return r.bad.length ? 3 : 0;
  } finally {
    await vault.close();
  }
}
