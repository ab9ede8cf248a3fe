import { LocalVault, type JoinRequest } from '../vault/local-vault.ts';
import type { VaultEnv } from '../vault/vault-env.ts';
import { defaultNames, type MergeConflict, type NameResolver } from '../sync/merge-trees.ts';
import type { ConflictView } from '../ports/team.ts';
import type { HistoryEntry } from '../ports/journal.ts';
import { syncOnce } from './sync-ops.ts';
import type { OpenVault } from './vault-ops.ts';

export type { JoinRequest } from '../vault/local-vault.ts';

/**
 * `coffer join`: this machine becomes another device of a vault that exists (vault/local-vault.ts
 * LocalVault.join), then its first pass brings the tree into the folder. A folder that already held
 * files is merged, never overwritten: a file that differs from the vault's version at its name is kept
 * beside it as a conflict copy (FORMAT.md "Merge rules"). A failing first pass leaves the device joined;
 * `coffer sync` carries on from there.
 */
export async function joinVault(env: VaultEnv, req: JoinRequest): Promise<{ vault: OpenVault; pulled: number; conflicts: ConflictView[] }> {
  const vault = await LocalVault.join(env, req);
  try {
    const r = await syncOnce(vault);
    return { vault, pulled: r.pulled, conflicts: r.conflicts.map((c) => conflictView(c, defaultNames)) };
  } catch (err) {
    await vault.close();
    throw err;
  }
}

/** The newest conflict copies passes made in this vault's folder (from its history), newest first. */
export async function vaultConflicts(vault: OpenVault, limit = 50, names: NameResolver = defaultNames): Promise<ConflictView[]> {
  const { entries } = await vault.queryHistory({ actions: ['conflict'], limit });
  return entries.filter((e): e is HistoryEntry & { path: string; copyPath: string } => !!e.path && !!e.copyPath).map((e) => {
    const who = names(e.member ?? null, e.device ?? '');
    return { path: e.path, copyPath: e.copyPath, memberName: who.member, deviceName: who.device, time: e.time };
  });
}

function conflictView(c: MergeConflict, names: NameResolver): ConflictView {
  const who = names(c.member, c.device);
  return { path: c.path, copyPath: c.copyPath, memberName: who.member, deviceName: who.device, time: c.time };
}
