import type { ManifestStore } from './manifest-store.ts';
import type { FileEntry, Root } from './schema.ts';

/**
 * How many files and symlinks differ between a root and its parent: added, removed, or with other
 * content (hash, link target). Folders and metadata-only changes are not counted. Segments whose digest
 * the two roots share hold the same entries and are not read, so a commit that touched one shard reads
 * two segments; roots of different shard widths are compared whole.
 */
export async function changedFiles(manifest: ManifestStore, root: Root, parent: Root | null): Promise<number> {
  if (!parent) return countFiles(await manifest.readTree(root));
  if (parent.shardBits !== root.shardBits) return diffTrees(await manifest.readTree(parent), await manifest.readTree(root));
  const before = new Map(parent.segments.map((s) => [s.shard, s]));
  const after = new Map(root.segments.map((s) => [s.shard, s]));
  let changed = 0;
  for (const shard of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(shard);
    const b = after.get(shard);
    if (a && b && a.digest === b.digest) continue;
    const entries = async (s: typeof a) => new Map(s ? (await manifest.readSegment(s.object, s.digest)).entries.map((e) => [e.path, e]) : []);
    changed += diffTrees(await entries(a), await entries(b));
  }
  return changed;
}

function diffTrees(before: ReadonlyMap<string, FileEntry>, after: ReadonlyMap<string, FileEntry>): number {
  let n = 0;
  for (const [path, e] of after) if (e.type !== 'dir' && !sameContent(before.get(path), e)) n++;
  for (const [path, e] of before) if (e.type !== 'dir' && !after.has(path)) n++;
  return n;
}

function countFiles(tree: ReadonlyMap<string, FileEntry>): number {
  let n = 0;
  for (const e of tree.values()) if (e.type !== 'dir') n++;
  return n;
}

export function sameContent(a: FileEntry | undefined, b: FileEntry): boolean {
  return !!a && a.type === b.type && a.hash === b.hash && a.target === b.target;
}
