import { openVault, reindexVault } from '../../engine/api.ts';
import type { CommandContext } from '../context.ts';

/** Rebuilds this device's local index from the bucket alone (engine/use-cases/reindex.ts). */
export async function reindexCommand(ctx: CommandContext): Promise<number> {
  const vault = await openVault(ctx.env, ctx.args[0]);
  try {
    const { index, remote } = await reindexVault(vault);
    ctx.out.result(`Rebuilt the local index from ${remote} (generation ${index.generation})`, index);
    return 0;
  } finally {
    await vault.close();
  }
}
