// Records the GETs a store is asked for, to prove what a restore or a verify downloads.
import type { Readable } from 'node:stream';
import type { BlobStore, GetOptions } from '../../src-main/engine/ports/blob-store.ts';
import { ForwardingStore } from '../../src-main/engine/store/forwarding-store.ts';
import { objectIdFromKey } from '../../src-main/engine/objects/object-keys.ts';

export interface LoggedGet {
  key: string;
  /** The object id, for a key under objects/. */
  id?: string;
  range?: { start: number; end: number };
}

/** Each GET as "<key>@<first byte>", or "<key>@all" for a whole read: one string per object or pack message read. */
export function readOf(g: LoggedGet, by: 'key' | 'id' = 'key'): string {
  return `${by === 'id' ? g.id : g.key}@${g.range ? g.range.start : 'all'}`;
}

/**
 * A store that logs every GET into `gets` (shared, so every store a vault wraps logs into one list), then
 * forwards it.
 */
export class GetLog extends ForwardingStore {
  constructor(inner: BlobStore, readonly gets: LoggedGet[] = []) {
    super(inner);
  }

  override get(key: string, opts?: GetOptions): Promise<Readable> {
    const id = objectIdFromKey(key);
    this.gets.push({ key, ...(id ? { id } : {}), ...(opts?.range ? { range: opts.range } : {}) });
    return this.inner.get(key, opts);
  }
}
