import { realpath } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../fsx/atomic-file.ts';
import { pickVault } from './pick-vault.ts';

/** Which local folder belongs to which vault, so `coffer sync <folder>` finds its state. */
const RegistrySchema = z.strictObject({
  version: z.literal(1),
  vaults: z.array(z.strictObject({ vaultId: z.string(), folder: z.string() })),
});
type Registry = z.infer<typeof RegistrySchema>;

export class VaultRegistry {
  constructor(private readonly home: string) {}

  private get path(): string {
    return join(this.home, 'vaults.json');
  }

  async list(): Promise<Registry['vaults']> {
    const reg = await readJsonFile(this.path, (raw) => RegistrySchema.parse(raw));
    return reg?.vaults ?? [];
  }

  async add(vaultId: string, folder: string): Promise<void> {
    const vaults = (await this.list()).filter((v) => v.folder !== resolve(folder));
    vaults.push({ vaultId, folder: resolve(folder) });
    await writeFileAtomic(this.path, JSON.stringify({ version: 1, vaults }, null, 2));
  }

  /** Forgets a vault (an attach that failed half-way). */
  async remove(vaultId: string): Promise<void> {
    const vaults = (await this.list()).filter((v) => v.vaultId !== vaultId);
    await writeFileAtomic(this.path, JSON.stringify({ version: 1, vaults }, null, 2));
  }

  /** The vault for a folder; with no folder given, the only vault there is. */
  async find(folder?: string): Promise<{ vaultId: string; folder: string }> {
    const vaults = await this.list();
    if (folder !== undefined) {
      const abs = resolve(folder);
      const hit = pickVault(vaults, abs, await realpath(abs).catch(() => abs));
      if (!hit) throw new Error(`${abs} is not a Coffer folder; run "coffer init ${folder} --remote <url>" first`);
      return hit;
    }
    if (vaults.length === 1) return vaults[0]!;
    if (vaults.length === 0) throw new Error('no Coffer folder yet; run "coffer init <folder> --remote <url>" first');
    throw new Error(`several Coffer folders exist (${vaults.map((v) => v.folder).join(', ')}); name one`);
  }
}
