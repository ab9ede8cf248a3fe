import type { Chunk } from '../manifest/schema.ts';
import type { SealedObjects } from '../objects/sealed-objects.ts';
import { objectRef } from '../objects/object-ref.ts';
import { messageKeyVersions } from './edk-versions.ts';

/** One chunk message of a chunk pack that a kept root names. */
export interface PackMessage {
  offset: number;
  sealed: number;
  message: string;
}

export const messageOf = (c: Chunk): PackMessage => ({ offset: c.offset, sealed: c.sealed!, message: c.message! });

/**
 * A chunk pack with every named message re-sealed under the current key version (rewrap.ts).
 * - 'in place': every re-sealed message kept its length (the usual case: one EDK whose key name kept its
 *   length), so the pack is put back over itself with every message at its old offset, and every root
 *   that names it stays right. Bytes no root names are kept as they are.
 * - 'moved': some message changed length (the key name `vault-key/v9` became `vault-key/v10`), so the
 *   offsets cannot hold: the named messages go into a new pack under a new id, and `moved` says where
 *   each now is (old offset -> its new place). Only the head's tree can be pointed there; older roots
 *   keep naming the old pack, which stays under the old version until retention lets them go.
 * - null: nothing to do (every named message is already under `toVersion`).
 */
export type ResealedPack =
  | { kind: 'in place'; body: Buffer }
  | { kind: 'moved'; body: Buffer; moved: Map<number, { offset: number; sealed: number }> };

export async function resealChunkPack(objects: SealedObjects, pack: Buffer, named: Iterable<PackMessage>, toVersion: number): Promise<ResealedPack | null> {
  const byOffset = new Map<number, PackMessage>();
  for (const m of named) byOffset.set(m.offset, m);
  const messages = [...byOffset.values()].sort((a, b) => a.offset - b.offset);
  const parts: { from: PackMessage; bytes: Buffer }[] = [];
  let changed = false;
  let sameLengths = true;
  for (const m of messages) {
    if (m.offset + m.sealed > pack.length) throw new Error(`a chunk message at ${m.offset}+${m.sealed} runs past the end of its pack (${pack.length} bytes)`);
    const old = pack.subarray(m.offset, m.offset + m.sealed);
    const versions = messageKeyVersions(old);
    if (versions.length > 0 && versions.every((v) => v === toVersion)) {
      parts.push({ from: m, bytes: old });
      continue;
    }
    const ref = objectRef('data', m.message);
    const fresh = Buffer.from(await objects.sealBytes(ref, await objects.openBytes(ref, old)));
    changed = true;
    if (fresh.length !== old.length) sameLengths = false;
    parts.push({ from: m, bytes: fresh });
  }
  if (!changed) return null;
  if (sameLengths) {
    const body = Buffer.from(pack);
    for (const p of parts) p.bytes.copy(body, p.from.offset);
    return { kind: 'in place', body };
  }
  const moved = new Map<number, { offset: number; sealed: number }>();
  let at = 0;
  for (const p of parts) {
    moved.set(p.from.offset, { offset: at, sealed: p.bytes.length });
    at += p.bytes.length;
  }
  return { kind: 'moved', body: Buffer.concat(parts.map((p) => p.bytes)), moved };
}
