import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsx/atomic-file.ts';

/**
 * The newest snapshot's counts as this machine last read them, kept in the vault's state folder so a
 * status taken while the destination cannot be reached (an unplugged disk, no network) still says what
 * the vault holds instead of "0 files". A cache: losing it loses nothing but that line.
 */
const KnownTotalsSchema = z.strictObject({
  version: z.literal(1),
  rootId: z.string(),
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** When they were read (ISO-8601). */
  at: z.string(),
});
export type KnownTotals = Omit<z.infer<typeof KnownTotalsSchema>, 'version'>;

export function knownTotalsPath(vaultDir: string): string {
  return join(vaultDir, 'known-totals.json');
}

/** null when never written or unreadable (a damaged cache is the same as none). */
export async function readKnownTotals(vaultDir: string): Promise<KnownTotals | null> {
  try {
    const parsed = KnownTotalsSchema.safeParse(JSON.parse(await readFile(knownTotalsPath(vaultDir), 'utf8')));
    if (!parsed.success) return null;
    const { version: _v, ...totals } = parsed.data;
    return totals;
  } catch {
    return null;
  }
}

export async function writeKnownTotals(vaultDir: string, totals: KnownTotals): Promise<void> {
  await writeFileAtomic(knownTotalsPath(vaultDir), JSON.stringify({ version: 1, ...totals }));
}
