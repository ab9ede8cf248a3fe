import type { ManifestStore } from './manifest-store.ts';
import type { FileEntry, Root, Segment } from './schema.ts';

export type Reached =
  | { kind: 'root'; id: string; root: Root }
  | { kind: 'manifest'; id: string; segment: Segment }
  | { kind: 'entry'; entry: FileEntry; segment: string };

export interface WalkOptions {
  /**
   * Called for a segment that cannot be read (missing, damaged); the walk then goes on. Without it the
   * walk throws: retention and rewrap must stop rather than act on half a view. Verify wants them all.
   */
  onUnreadable?: (segment: string, root: Root, err: unknown) => void;
}

/**
 * Everything a set of roots reaches: each root, its segments, and their file entries (whose chunks name
 * the data objects and packs). Consecutive roots share most segments, so each segment is visited once:
 * retention, key-usage scans, rewrap and verify all want the union, not one copy per root.
 */
export async function* walkRoots(manifest: ManifestStore, roots: AsyncIterable<Root> | Iterable<Root>, opts: WalkOptions = {}): AsyncGenerator<Reached> {
  const seen = new Set<string>();
  for await (const root of roots) {
    yield { kind: 'root', id: root.rootId, root };
    for (const ref of root.segments) {
      if (seen.has(ref.object)) continue;
      seen.add(ref.object);
      let segment: Segment;
      try {
        segment = await manifest.readSegment(ref.object, ref.digest);
      } catch (err) {
        if (!opts.onUnreadable) throw err;
        opts.onUnreadable(ref.object, root, err);
        continue;
      }
      yield { kind: 'manifest', id: ref.object, segment };
      for (const entry of segment.entries) yield { kind: 'entry', entry, segment: ref.object };
    }
  }
}
