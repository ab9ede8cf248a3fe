import type { ManifestStore } from './manifest-store.ts';
import type { FileEntry, Root, Segment } from './schema.ts';

export type Reached =
  | { kind: 'root'; id: string; root: Root }
  | { kind: 'manifest'; id: string; segment: Segment }
  | { kind: 'entry'; entry: FileEntry };

/**
 * Everything a set of roots reaches: each root, its segments, and their file entries (whose chunks name
 * the data objects and packs). Consecutive roots share most segments, so each segment is visited once:
 * retention, key-usage scans and rewrap all want the union, not one copy per root.
 */
export async function* walkRoots(manifest: ManifestStore, roots: AsyncIterable<Root> | Iterable<Root>): AsyncGenerator<Reached> {
  const seen = new Set<string>();
  for await (const root of roots) {
    yield { kind: 'root', id: root.rootId, root };
    for (const seg of root.segments) {
      if (seen.has(seg.object)) continue;
      seen.add(seg.object);
      const segment = await manifest.readSegment(seg.object);
      yield { kind: 'manifest', id: seg.object, segment };
      for (const entry of segment.entries) yield { kind: 'entry', entry };
    }
  }
}
