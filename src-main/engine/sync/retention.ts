import type { BlobStore } from '../ports/blob-store.ts';
import type { ManifestStore } from '../manifest/manifest-store.ts';
import type { Root } from '../manifest/schema.ts';
import { walkRoots } from '../manifest/reachable.ts';
import { OBJECTS_PREFIX, objectIdFromKey, objectKey } from '../manifest/layout.ts';

export interface PruneReport {
  rootsDeleted: number;
  objectsDeleted: number;
  bytesFreed: number;
}

/**
 * Deletes what retention no longer needs. Kept: every root newer than the cutoff, plus the newest root
 * before it (the folder as it was at the cutoff), and every object those roots reach. An unreferenced
 * object is deleted only once it is older than `graceMs`: it may belong to a pass in progress on this or
 * another device, whose manifest does not name it yet.
 */
export async function pruneVault(
  deps: { store: BlobStore; manifest: ManifestStore },
  headRootId: string,
  opts: { now: number; retentionDays: number; graceMs: number; protect?: Set<string> },
): Promise<PruneReport> {
  const cutoff = opts.now - opts.retentionDays * 86_400_000;
  const kept: Root[] = [];
  const dropped: string[] = [];
  let crossed = false;
  for await (const root of deps.manifest.roots(headRootId)) {
    if (!crossed) kept.push(root);
    else dropped.push(root.rootId);
    if (Date.parse(root.time) < cutoff) crossed = true;
  }
  const live = new Set<string>(opts.protect ?? []);
  for await (const r of walkRoots(deps.manifest, kept)) {
    if (r.kind === 'entry') for (const c of r.entry.chunks ?? []) live.add(c.object);
    else live.add(r.id);
  }
  const report: PruneReport = { rootsDeleted: 0, objectsDeleted: 0, bytesFreed: 0 };
  // Roots go first, so a crash mid-prune never leaves a kept root that names a deleted object.
  for (const id of dropped) {
    await deps.store.delete(objectKey(id));
    report.rootsDeleted++;
  }
  // A cached copy of a deleted root would keep it in `versions` and `--at`, pointing at deleted objects.
  await deps.manifest.forget(dropped);
  for await (const info of deps.store.list(OBJECTS_PREFIX)) {
    const id = objectIdFromKey(info.key);
    if (!id || live.has(id) || dropped.includes(id)) continue;
    const age = info.lastModified ? opts.now - info.lastModified.getTime() : Infinity;
    if (age < opts.graceMs) continue;
    await deps.store.delete(info.key);
    await deps.manifest.forget([id]);
    report.objectsDeleted++;
    report.bytesFreed += info.size;
  }
  return report;
}
