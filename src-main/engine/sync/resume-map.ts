import type { JournalRecord } from '../ports/journal.ts';
import type { Chunk } from '../manifest/schema.ts';

/**
 * What a crashed or failed pass left behind, indexed by content so this pass reuses it: packs and chunks
 * that were stored (no re-upload). A chunk whose upload did not finish is sealed again (at most 8 MiB);
 * data objects of older passes (64 MiB ranges, spooled) are dropped through unused().
 */
export class ResumeMap {
  /** hash -> where a packed copy of that content already sits in a stored pack. */
  private readonly packed = new Map<string, Chunk>();
  /** A content-defined chunk's keyed id -> the stored object holding it (format 3). */
  private readonly chunks = new Map<string, string>();
  /** Chunk id -> an object whose PUT began but was never heard to finish: it may be stored. */
  private readonly unconfirmed = new Map<string, string>();
  readonly objectIds = new Set<string>();
  /** Data objects never stored, with their spool: candidates for unused(). */
  private readonly unstored = new Map<string, string | undefined>();
  private readonly claimed = new Set<string>();

  constructor(records: JournalRecord[]) {
    const uploaded = new Set(records.filter((r) => r.type === 'uploaded').map((r) => r.objectId));
    const abandoned = new Set(records.filter((r) => r.type === 'abandoned').map((r) => r.objectId));
    for (const r of records) {
      if (r.type !== 'intent' || abandoned.has(r.objectId)) continue;
      this.objectIds.add(r.objectId);
      for (const f of r.files) {
        if (r.chunk) {
          if (uploaded.has(r.objectId)) this.chunks.set(f.hash, r.objectId);
          else this.unconfirmed.set(f.hash, r.objectId);
        } else if (r.kind === 'pack') {
          if (uploaded.has(r.objectId)) this.packed.set(f.hash, { object: r.objectId, kind: 'pack', offset: f.offset, length: f.length });
        }
      }
      if (r.kind === 'data' && !uploaded.has(r.objectId)) this.unstored.set(r.objectId, r.spool);
    }
  }

  /**
   * Data objects the crashed pass began but this pass did not take up (the file changed, or is gone):
   * their multipart uploads and checkpoints can go. Meaningful once the pass stored everything.
   */
  unused(): { objectId: string; spool?: string }[] {
    return [...this.unstored].filter(([id]) => !this.claimed.has(id)).map(([objectId, spool]) => ({ objectId, ...(spool ? { spool } : {}) }));
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
   * An object a crashed pass began for this chunk id without hearing it stored (ObjectWriter.adoptChunk
   * reads it back). Claimed once asked for: adopting it or abandoning it is then the caller's job.
   */
  unconfirmedChunk(id: string): string | undefined {
    const objectId = this.unconfirmed.get(id);
    this.unconfirmed.delete(id);
    return this.claim(objectId);
  }

  /** A stored object holding exactly the chunk of this keyed id. */
  storedChunk(id: string): string | undefined {
    return this.claim(this.chunks.get(id));
  }
}
