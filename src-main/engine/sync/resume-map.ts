import type { JournalRecord } from '../ports/journal.ts';
import type { Chunk } from '../manifest/schema.ts';
import { packedChunk } from './chunk-packer.ts';

/**
 * What a crashed or failed pass left behind, indexed by content so this pass reuses it: packs and chunks
 * that were stored (no re-upload). A chunk whose upload did not finish is sealed again (at most 8 MiB);
 * data objects of older passes (64 MiB ranges, spooled) are dropped through unused().
 */
export class ResumeMap {
  /** hash -> where a packed copy of that content already sits in a stored pack. */
  private readonly packed = new Map<string, Chunk>();
  /** A content-defined chunk's keyed id -> where it is stored: a chunk pack (format 4) or its own object (format 3). */
  private readonly chunks = new Map<string, Chunk>();
  /** Chunk id -> an object whose PUT began but was never heard to finish: it may be stored. */
  private readonly unconfirmed = new Map<string, string>();
  readonly objectIds = new Set<string>();
  /** Data objects never stored, with their spool: candidates for unused(). */
  private readonly unstored = new Map<string, string | undefined>();
  private readonly claimed = new Set<string>();
  /** Packs (of small files, or of chunks) whose PUT began but was never heard to finish: never adopted, see strays(). */
  private readonly unheard = new Set<string>();

  constructor(records: JournalRecord[]) {
    const uploaded = new Set(records.filter((r) => r.type === 'uploaded').map((r) => r.objectId));
    const abandoned = new Set(records.filter((r) => r.type === 'abandoned').map((r) => r.objectId));
    for (const r of records) {
      if (r.type !== 'intent' || abandoned.has(r.objectId)) continue;
      this.objectIds.add(r.objectId);
      for (const f of r.files) {
        if (r.kind === 'chunks') {
          // A chunk pack never heard stored is not adopted (ObjectWriter.writeChunkPack): its chunks are sealed again.
          if (uploaded.has(r.objectId)) this.chunks.set(f.hash, packedChunk(r.objectId, f));
        } else if (r.chunk) {
          if (uploaded.has(r.objectId)) this.chunks.set(f.hash, { object: r.objectId, kind: 'data', offset: 0, length: f.length, id: f.hash });
          else this.unconfirmed.set(f.hash, r.objectId);
        } else if (r.kind === 'pack') {
          if (uploaded.has(r.objectId)) this.packed.set(f.hash, { object: r.objectId, kind: 'pack', offset: f.offset, length: f.length });
        }
      }
      if (r.kind === 'data' && !uploaded.has(r.objectId)) this.unstored.set(r.objectId, r.spool);
      if ((r.kind === 'pack' || r.kind === 'chunks') && !uploaded.has(r.objectId)) this.unheard.add(r.objectId);
    }
  }

  /**
   * Data objects the crashed pass began but this pass did not take up (the file changed, or is gone):
   * their multipart uploads and checkpoints can go. Meaningful once the pass stored everything.
   */
  unused(): { objectId: string; spool?: string }[] {
    return [...this.unstored].filter(([id]) => !this.claimed.has(id)).map(([objectId, spool]) => ({ objectId, ...(spool ? { spool } : {}) }));
  }

  /**
   * Packs a crashed pass began and never heard stored. Their content is sealed again, so whatever of them
   * landed is named by no root, now or later: the pass deletes them (a PUT that did land would otherwise
   * stay in the bucket, billed and unreferenced, until a repack).
   */
  strays(): string[] {
    return [...this.unheard];
  }

  private claim<T extends string | { objectId: string } | Chunk | undefined>(found: T): T {
    if (typeof found === 'string') this.claimed.add(found);
    else if (found && 'objectId' in found) this.claimed.add(found.objectId);
    else if (found && 'object' in found) this.claimed.add(found.object);
    return found;
  }

  packedCopy(hash: string): Chunk | undefined {
    return this.claim(this.packed.get(hash));
  }

  /**
   * A format 3 chunk object a crashed pass began for this chunk id without hearing it stored
   * (ObjectWriter.adoptChunk reads it back; chunk packs are never adopted). Claimed once asked for: adopting it or abandoning it is then the caller's job.
   */
  unconfirmedChunk(id: string): string | undefined {
    const objectId = this.unconfirmed.get(id);
    this.unconfirmed.delete(id);
    return this.claim(objectId);
  }

  /** Where a stored chunk of this keyed id is: its chunk pack's record, or its own object's. */
  storedChunk(id: string): Chunk | undefined {
    return this.claim(this.chunks.get(id));
  }
}
