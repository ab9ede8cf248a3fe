import type { ManifestStore } from './manifest-store.ts';
import type { FileEntry, Root } from './schema.ts';
import { shardOf } from './shards.ts';

/** The newest root committed at or before `at` (restore --at). */
export async function rootAt(manifest: ManifestStore, headRootId: string, at: Date): Promise<Root | null> {
  for await (const root of manifest.roots(headRootId)) {
    if (Date.parse(root.time) <= at.getTime()) return root;
  }
  return null;
}

export interface PathVersion {
  /** The root in which this version first appeared: restore it with --at <time>. */
  rootId: string;
  time: string;
  entry: FileEntry | null;
}

/**
 * A path's versions, newest first: each distinct content (or deletion) across the kept roots. Only the
 * one segment that can hold the path is read from each root.
 */
export async function versionsOf(manifest: ManifestStore, headRootId: string, path: string): Promise<PathVersion[]> {
  const seen: PathVersion[] = [];
  // Walking newest to oldest, a run of roots with the same version is reported once, at its oldest root:
  // the time that version was first committed.
  let run: PathVersion | null = null;
  for await (const root of manifest.roots(headRootId)) {
    const entry = await entryIn(manifest, root, path);
    if (run && !sameVersion(run.entry, entry)) seen.push(run);
    run = { rootId: root.rootId, time: root.time, entry };
  }
  if (run) seen.push(run);
  // Trailing "absent" versions older than the file's first appearance are not versions.
  while (seen.length && seen[seen.length - 1]!.entry === null) seen.pop();
  return seen;
}

/** A path's entry in one root, reading only the segment that can hold it. */
export async function entryIn(manifest: ManifestStore, root: Root, path: string): Promise<FileEntry | null> {
  const shard = shardOf(path, root.shardBits);
  const ref = root.segments.find((s) => s.shard === shard);
  if (!ref) return null;
  const seg = await manifest.readSegment(ref.object, ref.digest);
  return seg.entries.find((e) => e.path === path) ?? null;
}

function sameVersion(a: FileEntry | null, b: FileEntry | null): boolean {
  if (a === null || b === null) return a === b;
  return a.type === b.type && a.hash === b.hash && a.target === b.target && a.mtimeMs === b.mtimeMs;
}
