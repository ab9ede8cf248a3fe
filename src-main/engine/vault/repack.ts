import type { Chunk, Root } from '../manifest/schema.ts';
import { ConcurrentWriterError, type Tree } from '../manifest/manifest-store.ts';
import { FileJournal } from '../journal/file-journal.ts';
import { ContentReader } from '../read/content-reader.ts';
import { ObjectWriter } from '../sync/object-writer.ts';
import { PackBuilder, sealPack, type PackMember } from '../sync/pack-builder.ts';
import { DEFAULT_TUNING } from '../sync/content-uploader.ts';
import { saveIndex, type LocalIndex } from '../sync/local-index.ts';
import {
  chooseChunkPacks, choosePacks, chunkPackUsage, packUsage, plaintextFromStored, rangeKey, remapTree, type PackUsage,
} from '../sync/repack-plan.ts';
import { moveLiveChunks } from './repack-chunks.ts';
import { readAll } from '../store/body.ts';
import { SealedObjects } from '../objects/sealed-objects.ts';
import { objectRef } from '../objects/object-ref.ts';
import { newObjectId } from '../objects/object-id.ts';
import { commitRefusal, teamSessionOf } from '../team/team-session.ts';
import type { LocalVault } from './local-vault.ts';

/** What a repack did; `skipped` says why it did nothing (not an error: it is tried again next time). */
export interface RepackReport {
  /** Old packs whose live files were moved; they go once retention no longer keeps an older root. */
  packs: number;
  /** Entries of the head whose chunks now name a new pack. */
  files: number;
  /** Stored bytes of the old packs minus those of the new ones: freed once retention lets the old roots go. */
  freedBytes: number;
  /** The root committed (null when nothing was committed). */
  rootId: string | null;
  skipped?: string;
}

export interface RepackOptions {
  /** Plaintext bytes per new pack (default: the sync pass's, 16 MiB). */
  packTargetBytes?: number;
}

/** Its own journal file: the sync pass's journal is held by the syncer while maintenance runs. */
export const REPACK_JOURNAL = 'repack-journal.jsonl';

const nothing = (skipped?: string): RepackReport => ({ packs: 0, files: 0, freedBytes: 0, rootId: null, ...(skipped ? { skipped } : {}) });

/**
 * Rewrites the packs the head uses less than half of (sync/repack-plan.ts): their live files are read
 * back through the content reader (authenticated, hash-checked), written into new packs with the pass's
 * object writer (journaled in REPACK_JOURNAL), and a new root is committed whose entries differ only in
 * their chunks. Roots are immutable, so no pack is changed: the old ones stay for the older snapshots
 * and go with them through the normal garbage collection (sync/retention.ts).
 *
 * Runs only on top of the head this device's last pass accepted (`index`: its root and etag), and only
 * where this client may commit (team roles); the head is moved with the same conditional write as a
 * pass. Losing that race, or a crash anywhere, leaves only new packs no root names, which the prune
 * deletes once they are past its grace period: a root never names an object that is not stored.
 */
export async function repackVault(vault: LocalVault, index: LocalIndex, opts: RepackOptions = {}): Promise<{ report: RepackReport; index: LocalIndex }> {
  const refusal = commitRefusal(teamSessionOf(vault.manifest));
  if (refusal) return { report: nothing(refusal), index };
  const head = await vault.manifest.readHead();
  if (!head) return { report: nothing('nothing is committed yet'), index };
  if (head.head.rootId !== index.rootId || head.etag !== index.etag) {
    return { report: nothing('another device committed since this pass; repacking waits for the next maintenance'), index };
  }
  const base = await vault.manifest.readRoot(head.head.rootId);
  const tree = await vault.manifest.readTree(base);
  const stored = await storedSizes(vault, base);
  const chosen = await packsToRewrite(vault, stored, packUsage(tree));
  const chunkPacks = await chunkPacksToRewrite(vault, stored, tree);
  if (chosen.length === 0 && chunkPacks.length === 0) return { report: nothing(), index };

  const journal = await FileJournal.open(vault.paths.dir, { fileName: REPACK_JOURNAL });
  try {
    const writer = new ObjectWriter({
      store: vault.store, sealer: vault.sealer, journal, vaultId: vault.vaultId, spoolDir: vault.paths.spool, random: vault.random,
    });
    // The version that seals the new packs: key rotation runs before a pass (Maintenance.beforePass), never during this.
    const keyVersion = await vault.key.currentVersion();
    const target = opts.packTargetBytes ?? DEFAULT_TUNING.packTargetBytes;
    const { moved, newBytes, newPacks } = await moveLiveRanges(vault, writer, chosen, target);
    // Chunk packs are written at the sync pass's chunk pack size, not the small files' pack size.
    const chunksMoved = await moveLiveChunks(vault, writer, chunkPacks, DEFAULT_TUNING.chunkPackBytes);
    for (const [k, c] of chunksMoved.moved) moved.set(k, c);
    newPacks.push(...chunksMoved.newPacks);
    const remapped = remapTree(tree, moved, keyVersion);
    await assertStillStored(vault, newPacks);
    const seq = index.deviceSeq + 1;
    const generation = head.head.generation + 1;
    const time = new Date(vault.clock.now()).toISOString();
    let root: Root;
    let etag: string;
    try {
      root = await vault.manifest.writeRoot(remapped.tree, base, { device: vault.settings.deviceId, seq, time, generation }, writer.stored);
      ({ etag } = await vault.manifest.commitHead(root, head.etag, generation, time));
    } catch (err) {
      if (!(err instanceof ConcurrentWriterError)) throw err;
      for (const id of newPacks) await journal.append({ type: 'abandoned', objectId: id, reason: 'the repack lost the race for the head' });
      return { report: nothing('another device committed while repacking; the new packs are left to the prune, and repacking is tried again next time'), index };
    }
    const saved: LocalIndex = { ...index, rootId: root.rootId, etag, generation, deviceSeq: seq };
    await saveIndex(vault.paths.index, saved);
    await journal.append({ type: 'committed', rootId: root.rootId, seq });
    await journal.compact();
    const oldBytes = chosen.reduce((n, u) => n + (u.storedBytes ?? 0), 0) + chunkPacks.reduce((n, u) => n + (stored.get(u.pack) ?? 0), 0);
    const packs = chosen.length + chunkPacks.length;
    return { report: { packs, files: remapped.files, freedBytes: Math.max(0, oldBytes - newBytes - chunksMoved.newBytes), rootId: root.rootId }, index: saved };
  } finally {
    await journal.close();
  }
}

type Candidate = PackUsage & { storedBytes?: number };

/** Stored sizes of the objects the head's segments record (FORMAT.md §5.2). */
async function storedSizes(vault: LocalVault, base: Root): Promise<Map<string, number>> {
  const stored = new Map<string, number>();
  for (const seg of base.segments) {
    for (const [id, rec] of Object.entries((await vault.manifest.readSegment(seg.object, seg.digest)).stored ?? {})) stored.set(id, rec.size);
  }
  return stored;
}

/** Adds the stored size of each pack the segments do not record, from a HEAD of the object. */
async function headMissing(vault: LocalVault, stored: Map<string, number>, ids: Iterable<string>): Promise<void> {
  const objects = new SealedObjects({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
  for (const id of ids) {
    if (stored.has(id)) continue;
    const info = await objects.head(objectRef('pack', id));
    if (info) stored.set(id, info.size);
  }
}

/** The chunk packs (format 4) the head names less than half of: their stored size is exact. */
async function chunkPacksToRewrite(vault: LocalVault, stored: Map<string, number>, tree: Tree) {
  const usage = chunkPackUsage(tree);
  await headMissing(vault, stored, usage.keys());
  return chooseChunkPacks(usage.values(), (id) => stored.get(id));
}

/**
 * The packs of small files to rewrite, with their stored size: from the head's segment records, else a
 * HEAD of the object. The plaintext size follows from it (repack-plan.ts plaintextFromStored), with the
 * fixed overhead measured by sealing nothing under this vault's key.
 */
async function packsToRewrite(vault: LocalVault, stored: Map<string, number>, usage: Map<string, PackUsage>): Promise<Candidate[]> {
  if (usage.size === 0) return [];
  await headMissing(vault, stored, usage.keys());
  const choose = (empty: number) => choosePacks(usage.values(), (id) => {
    const size = stored.get(id);
    return size === undefined ? undefined : plaintextFromStored(size, empty);
  });
  // Counting no overhead overstates every pack's size: when not even then is one mostly dead, no seal is
  // needed (with KMS custody, sealing costs a request).
  if (choose(0).length === 0) return [];
  const objects = new SealedObjects({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
  const empty = (await objects.sealBytes(objectRef('pack', newObjectId(vault.random)), new Uint8Array(0))).byteLength;
  return choose(empty).map((u) => ({ ...u, storedBytes: stored.get(u.pack) }));
}

/**
 * The new packs are named by no root until the commit, so a prune (this or another device's) deletes them
 * once they are older than its grace period, a day: a repack slow enough for that (a tight bandwidth
 * limit) must not commit a root naming them. Checked just before the root is written.
 */
async function assertStillStored(vault: LocalVault, packs: string[]): Promise<void> {
  const objects = new SealedObjects({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
  for (const id of packs) {
    if (!(await objects.head(objectRef('pack', id)))) throw new Error(`the new pack ${id} is no longer in the bucket (pruned while the repack ran); nothing was committed`);
  }
}

/** Reads each live range once, pack by pack in offset order (one download per pack), into new packs. */
async function moveLiveRanges(
  vault: LocalVault, writer: ObjectWriter, chosen: PackUsage[], targetBytes: number,
): Promise<{ moved: Map<string, Chunk>; newBytes: number; newPacks: string[] }> {
  const reader = new ContentReader({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
  const builder = new PackBuilder(targetBytes);
  const moved = new Map<string, Chunk>();
  const newPacks: string[] = [];
  let newBytes = 0;
  // The range each member came from, by position: sealPack returns the members in the order given.
  let keys: string[] = [];
  const seal = async (members: PackMember[]) => {
    const from = keys.splice(0, members.length);
    const sealed = await sealPack(writer, newObjectId(vault.random), members);
    newBytes += sealed.size;
    newPacks.push(sealed.members[0]!.chunk.object);
    sealed.members.forEach((m, i) => moved.set(from[i]!, m.chunk));
  };
  for (const u of chosen) {
    for (const r of u.ranges) {
      // The entry's hash is checked at the end of its content: a damaged pack fails here, before any commit.
      const data = await readAll(reader.fileContent(r.entry));
      keys.push(rangeKey({ object: u.pack, offset: r.offset, length: r.length }));
      const full = builder.add({ path: r.entry.path, hash: r.entry.hash ?? '', data });
      if (full) await seal(full);
    }
  }
  const rest = builder.take();
  if (rest) await seal(rest);
  keys = [];
  return { moved, newBytes, newPacks };
}
