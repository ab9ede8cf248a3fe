import { rm } from 'node:fs/promises';
import { emptyIndex, saveIndex, type LocalIndex } from '../sync/local-index.ts';
import { forgetSeenGeneration } from '../vault/seen-head.ts';
import type { OpenVault } from './vault-ops.ts';

/**
 * Rebuilds this device's local index from the bucket alone (a damaged or lost index). Inode numbers are
 * forgotten, so the next sync re-hashes files whose metadata it cannot trust, but uploads only what
 * really differs. The manifest cache is dropped and the current tree read once to refill it.
 */
export async function reindexVault(vault: OpenVault): Promise<{ index: LocalIndex; remote: string }> {
  const settings = vault.settings;
  await rm(vault.paths.cache, { recursive: true, force: true });
  const head = await vault.manifest.readHead();
  const index = emptyIndex();
  if (head) {
    // This device's own sequence number continues from its newest root, so its next root is not a repeat.
    let deviceSeq = 0;
    for await (const root of vault.manifest.roots(head.head.rootId)) {
      if (root.device === settings.deviceId) deviceSeq = Math.max(deviceSeq, root.seq);
    }
    const root = await vault.manifest.readRoot(head.head.rootId);
    await vault.manifest.readTree(root);
    Object.assign(index, { rootId: head.head.rootId, etag: head.etag, generation: head.head.generation, deviceSeq });
  }
  await saveIndex(vault.paths.index, index);
  // The bucket's head is accepted as it is (after a deliberate restore of the bucket, say).
  await forgetSeenGeneration(vault.paths);
  return { index, remote: settings.remote };
}
