import type { Chunk } from '../manifest/schema.ts';
import type { ObjectWriter } from '../sync/object-writer.ts';
import { ChunkPacker, packLayout, packedChunk, type SealedChunk } from '../sync/chunk-packer.ts';
import { rangeKey, type ChunkPackUsage } from '../sync/repack-plan.ts';
import { SealedObjects } from '../objects/sealed-objects.ts';
import { objectRef } from '../objects/object-ref.ts';
import { newObjectId } from '../objects/object-id.ts';
import type { LocalVault } from './local-vault.ts';

/**
 * Moves the messages the head still names out of mostly dead chunk packs into new ones (repack.ts).
 * A message is bound to its own id, not to its pack (docs/FORMAT.md §3.4), so it moves as it is: no
 * re-sealing, only new offsets. Each is opened first, so a damaged pack fails the repack before any
 * commit. One download per old pack; memory: one old pack and the new one being filled.
 */
export async function moveLiveChunks(
  vault: LocalVault, writer: ObjectWriter, chosen: ChunkPackUsage[], targetBytes: number,
): Promise<{ moved: Map<string, Chunk>; newBytes: number; newPacks: string[] }> {
  const objects = new SealedObjects({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
  const packer = new ChunkPacker(targetBytes);
  const moved = new Map<string, Chunk>();
  const newPacks: string[] = [];
  let newBytes = 0;
  // The old record of each message in the packer, in the order added.
  const from: Chunk[] = [];
  const store = async (members: SealedChunk[]) => {
    const files = packLayout(members);
    const at = await writer.writeChunkPack(newObjectId(vault.random), members.map((m) => m.sealed), files);
    newBytes += at.size;
    newPacks.push(at.objectId);
    from.splice(0, members.length).forEach((old, i) => moved.set(rangeKey(old), packedChunk(at.objectId, files[i]!)));
  };
  for (const u of chosen) {
    const pack = await objects.fetchSealed(objectRef('pack', u.pack));
    for (const c of u.messages) {
      if (c.offset + c.sealed! > pack.length) throw new Error(`chunk pack ${u.pack} is shorter than its chunk at ${c.offset}+${c.sealed} (${pack.length} bytes); nothing was committed`);
      const sealed = pack.subarray(c.offset, c.offset + c.sealed!);
      await objects.openBytes(objectRef('data', c.message!), sealed);
      from.push(c);
      const full = packer.add({ id: c.id!, path: '', length: c.length, messageId: c.message!, sealed });
      if (full) await store(full);
    }
  }
  const rest = packer.take();
  if (rest) await store(rest);
  return { moved, newBytes, newPacks };
}
