import { LocalVault, type ReadableVault } from '../../engine/vault/vault.ts';
import type { CommandContext } from '../context.ts';

/** `coffer verify --quick`: every object of every retained snapshot, by HEAD; exit 3 when any is missing or bad. */
export async function verifyQuick(ctx: CommandContext, vault: ReadableVault): Promise<number> {
  const r = await vault.verifyQuick();
  const problems = r.missing.length + r.bad.length;
  if (vault instanceof LocalVault) {
    const time = new Date().toISOString();
    await (await vault.history()).append([
      { time, action: 'verify', reason: `quick: ${r.objects} objects, ${r.confirmed} confirmed, ${r.unchecked} unchecked, ${r.missing.length} missing, ${r.bad.length} bad` },
      ...r.missing.map((key) => ({ time, action: 'error' as const, reason: `verify --quick: ${key} is missing from the bucket` })),
      ...r.bad.map((b) => ({ time, action: 'error' as const, reason: `verify --quick: ${b.key} ${b.reason}` })),
    ]);
  }
  const lines = [
    `Quick check of ${r.objects} objects by HEAD (nothing downloaded): ${problems ? `${problems} BAD` : 'all present'}`,
    `  ${r.confirmed} confirmed by checksum or MD5 ETag`,
    `  ${r.unchecked} could not be checked without a download (run coffer verify to read them)`,
    ...r.missing.map((k) => `  MISSING ${k}`),
    ...r.bad.map((b) => `  BAD ${b.key}: ${b.reason}`),
  ];
  ctx.out.result(lines.join('\n'), { ok: problems === 0, ...r });
  return problems ? 3 : 0;
}
