import { rm } from 'node:fs/promises';
import { Vault } from '../../engine/vault/vault.ts';
import { emptyIndex, saveIndex } from '../../engine/sync/local-index.ts';
import type { CommandContext } from '../context.ts';
import { forgetSeenGeneration } from '../../engine/vault/seen-head.ts';

/**
 * Rebuilds this device's local index from the bucket alone. Inode numbers are forgotten, so the next
 * sync re-hashes files whose metadata it cannot trust, but uploads only what really differs.
 */
export async function reindexCommand(ctx: CommandContext): Promise<number> {
  const vault = await Vault.open(ctx.env, ctx.args[0]);
  try {
    await rm(vault.paths.cache, { recursive: true, force: true });
    const head = await vault.manifest.readHead();
    const index = emptyIndex();
    if (head) {
      let deviceSeq = 0;
      for await (const root of vault.manifest.roots(head.head.rootId)) {
        if (root.device === vault.settings.deviceId) deviceSeq = Math.max(deviceSeq, root.seq);
      }
      const root = await vault.manifest.readRoot(head.head.rootId);
      await vault.manifest.readTree(root);
      Object.assign(index, { rootId: head.head.rootId, etag: head.etag, generation: head.head.generation, deviceSeq });
    }
    await saveIndex(vault.paths.index, index);
    // The bucket's head is accepted as it is (after a deliberate restore of the bucket, say).
    await forgetSeenGeneration(vault.paths);
    ctx.out.result(`Rebuilt the local index from ${vault.settings.remote} (generation ${index.generation})`, index);
    return 0;
  } finally {
    await vault.close();
  }
}
