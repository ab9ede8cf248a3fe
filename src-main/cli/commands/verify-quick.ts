import { verifyVaultQuick, type AnyVault } from '../../engine/api.ts';
import type { CommandContext } from '../context.ts';

/** `coffer verify --quick`: every object of every retained snapshot, by HEAD; exit 3 when any is missing or bad. */
export async function verifyQuick(ctx: CommandContext, vault: AnyVault): Promise<number> {
  const { report: r, failed } = await verifyVaultQuick(vault);
  const lines = [
    `Quick check of ${r.objects} objects by HEAD (nothing downloaded): ${failed ? `${failed} BAD` : 'all present'}`,
    `  ${r.confirmed} confirmed by checksum or MD5 ETag`,
    `  ${r.unchecked} could not be checked without a download (run coffer verify to read them)`,
    ...r.missing.map((k) => `  MISSING ${k}`),
    ...r.bad.map((b) => `  BAD ${b.key}: ${b.reason}`),
  ];
  ctx.out.result(lines.join('\n'), { ok: failed === 0, ...r });
  return failed ? 3 : 0;
}
