import { hash } from 'node:crypto';
import type { FileEntry } from './schema.ts';
import { encodeName, isRawName } from '../fsx/raw-name.ts';

/** Entries per segment we aim for: small enough that one edit rewrites little, large enough to keep PUTs few. */
export const TARGET_SEGMENT_ENTRIES = 4096;

export function shardBitsFor(count: number): number {
  const segments = Math.ceil(count / TARGET_SEGMENT_ENTRIES);
  return Math.min(12, Math.max(0, Math.ceil(Math.log2(Math.max(1, segments)))));
}

/** The shard of a path: the top bits of SHA-256 over its exact bytes (its UTF-8 for ordinary names). */
export function shardOf(path: string, bits: number): number {
  if (bits === 0) return 0;
  // One-shot hash() of the string itself (UTF-8): a commit shards every path of the tree, and a Hash
  // object and a Buffer per path cost ~3x as much (5,000 paths: 10 ms against 3 ms).
  const digest = hash('sha256', isRawName(path) ? encodeName(path) : path, 'hex');
  return Number.parseInt(digest.slice(0, 8), 16) >>> (32 - bits);
}

/** Groups entries by shard, each shard sorted by path so its digest is canonical. */
export function splitIntoShards(entries: Iterable<FileEntry>, bits: number): Map<number, FileEntry[]> {
  const shards = new Map<number, FileEntry[]>();
  for (const e of entries) {
    const s = shardOf(e.path, bits);
    let list = shards.get(s);
    if (!list) shards.set(s, (list = []));
    list.push(e);
  }
  for (const list of shards.values()) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return shards;
}

export function digestOf(entries: FileEntry[]): string {
  return hash('sha256', JSON.stringify(entries), 'hex');
}
