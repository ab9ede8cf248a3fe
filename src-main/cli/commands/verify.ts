import { slotIsBad } from '../../engine/keys/index.ts';
import { LocalVault, type VaultVerifyReport } from '../../engine/vault/vault.ts';
import { str, type CommandContext } from '../context.ts';
import { openVaultFor } from '../open-vault.ts';
import { UsageError } from '../prompt.ts';
import { formatBytes, showPath } from '../output.ts';

/**
 * Checks every retained snapshot from the bucket (docs/FORMAT.md §Verify). Exit 0 when all is well;
 * 3 naming each bad file, snapshot and object, or a damaged key slot. Unreferenced objects are reported
 * but are not a failure (a pass in progress has some, and the daily prune removes old ones).
 */
export async function verifyCommand(ctx: CommandContext): Promise<number> {
  const sample = ctx.flags.quick === true ? 100 : samplePercent(ctx.flags);
  const vault = await openVaultFor(ctx);
  if (ctx.flags.quick === true) {
    try {
      return await (await import('./verify-quick.ts')).verifyQuick(ctx, vault);
    } finally {
      await vault.close();
    }
  }
  try {
    const r = await vault.verify({ samplePercent: sample });
    const slotsBad = r.keySlots.filter(slotIsBad);
    const failed = r.bad.length + slotsBad.length;
    if (vault instanceof LocalVault) {
      const time = new Date().toISOString();
      await (await vault.history()).append([
        { time, action: 'verify', size: r.bytesChecked, reason: `${r.snapshotsChecked} snapshots, ${r.filesChecked} file versions read (${sample} % sample), ${failed} bad` },
        ...r.bad.map((b) => ({ time, action: 'error' as const, ...(b.path ? { path: b.path } : {}), reason: `verify: ${b.reason}` })),
        ...slotsBad.map((s) => ({ time, action: 'error' as const, reason: `verify: ${s.detail}` })),
      ]);
    }
    ctx.out.result(describe(r, failed), { ok: failed === 0, ...r });
    return failed ? 3 : 0;
  } finally {
    await vault.close();
  }
}

/** --sample N or N% reads that share of the file versions; --read-data (the default) reads them all. */
function samplePercent(flags: CommandContext['flags']): number {
  const text = str(flags, 'sample');
  if (text === undefined) return 100;
  if (flags['read-data'] === true) throw new UsageError('--read-data reads everything; give it or --sample <percent>, not both');
  const n = Number(text.replace(/%$/, ''));
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw new UsageError('--sample takes a percentage from 0 (exclusive) to 100');
  return n;
}

function describe(r: VaultVerifyReport, failed: number): string {
  const oldest = r.oldestSnapshot ? `, oldest ${r.oldestSnapshot.time}` : '';
  const lines = [
    `Verified ${r.snapshotsChecked} snapshots (head generation ${r.head.generation}${oldest}): ${r.objectsPresent} objects present, `
      + `${r.filesChecked} file versions read (${formatBytes(r.bytesChecked)}, ${r.samplePercent} %): ${failed ? `${failed} BAD` : 'all good'}`,
  ];
  for (const b of r.bad) lines.push(`  BAD ${b.path ? showPath(b.path) : '(manifest)'}: ${b.reason}`);
  for (const s of r.keySlots) lines.push(`  ${slotIsBad(s) ? 'BAD key slot' : 'key slot'} ${s.slot}: ${s.detail}`);
  if (r.unreferenced.count) {
    lines.push(`  ${r.unreferenced.count} unreferenced objects (${formatBytes(r.unreferenced.bytes)}) that no retained snapshot names: not deleted (the daily prune removes those older than a day)`);
  }
  return lines.join('\n');
}
