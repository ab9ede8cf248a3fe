import { existsSync } from 'node:fs';
import type { JournalRecord } from '../ports/journal.ts';
import type { Chunk } from '../manifest/schema.ts';

/**
 * What a crashed or failed pass left behind, indexed by content so this pass reuses it: objects that were
 * stored (no re-upload) and spooled objects whose upload can resume (no re-seal).
 */
export class ResumeMap {
  /** hash -> where a packed copy of that content already sits in a stored pack. */
  private readonly packed = new Map<string, Chunk>();
  /** `${hash}@${fileOffset}` -> a stored object holding exactly that range of that content. */
  private readonly ranges = new Map<string, string>();
  /** `${hash}@${fileOffset}` -> a spooled, not yet stored object. */
  private readonly spooled = new Map<string, { objectId: string; spool: string }>();
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
        if (r.kind === 'pack') {
          if (uploaded.has(r.objectId)) this.packed.set(f.hash, { object: r.objectId, kind: 'pack', offset: f.offset, length: f.length });
        } else if (uploaded.has(r.objectId)) {
          this.ranges.set(`${f.hash}@${f.offset}`, r.objectId);
        } else if (r.spool && existsSync(r.spool)) {
          this.spooled.set(`${f.hash}@${f.offset}`, { objectId: r.objectId, spool: r.spool });
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

  storedRange(hash: string, offset: number): string | undefined {
    return this.claim(this.ranges.get(`${hash}@${offset}`));
  }

  spooledRange(hash: string, offset: number): { objectId: string; spool: string } | undefined {
    return this.claim(this.spooled.get(`${hash}@${offset}`));
  }
}
