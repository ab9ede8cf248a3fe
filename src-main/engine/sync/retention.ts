import type { BlobStore } from '../ports/blob-store.ts';
import type { ManifestStore } from '../manifest/manifest-store.ts';
import type { Root } from '../manifest/schema.ts';
import { walkRoots } from '../manifest/reachable.ts';
import { OBJECTS_PREFIX, objectIdFromKey, objectKey } from '../objects/object-keys.ts';

export interface PruneReport {
  rootsDeleted: number;
  objectsDeleted: number;
  bytesFreed: number;
  /** Roots and objects left for a later prune because their Object Lock retention has not run out. */
  lockedSkipped: number;
}

/**
 * Deletes what retention no longer needs. Kept: every root newer than the cutoff, plus the newest root
 * before it (the folder as it was at the cutoff), and every object those roots reach. An unreferenced
 * object is deleted only once it is older than `graceMs`: it may belong to a pass in progress on this or
 * another device, whose manifest does not name it yet.
 *
 * With `lockedForMs` (the vault's Object Lock retention, given to every object at its write), nothing
 * still under lock is deleted: such a root is kept for now (and so is what it reaches), such an object is
 * skipped; both are counted and retried by a later prune. Deleting them would only hide them behind a
 * delete marker while the locked version stays stored and billed.
 */
export async function pruneVault(
  deps: { store: BlobStore; manifest: ManifestStore },
  headRootId: string,
  opts: { now: number; retentionDays: number; graceMs: number; protect?: Set<string>; lockedForMs?: number },
): Promise<PruneReport> {
  const cutoff = opts.now - opts.retentionDays * 86_400_000;
  // A write's lock runs from the writer's clock at upload, a little after the time it records: the grace
  // period covers the difference.
  const locked = (writtenAt: number) => opts.lockedForMs !== undefined && writtenAt + opts.lockedForMs + opts.graceMs > opts.now;
  let lockedSkipped = 0;
  const kept: Root[] = [];
  const dropped: string[] = [];
  let crossed = false;
  for await (const root of deps.manifest.roots(headRootId)) {
    if (!crossed) kept.push(root);
    else if (locked(Date.parse(root.time))) {
      kept.push(root);
      lockedSkipped++;
    } else dropped.push(root.rootId);
    if (Date.parse(root.time) < cutoff) crossed = true;
  }
  const live = new Set<string>(opts.protect ?? []);
  for await (const r of walkRoots(deps.manifest, kept)) {
    if (r.kind === 'entry') for (const c of r.entry.chunks ?? []) live.add(c.object);
    else live.add(r.id);
  }
  const report: PruneReport = { rootsDeleted: 0, objectsDeleted: 0, bytesFreed: 0, lockedSkipped };
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
    if (locked(info.lastModified?.getTime() ?? opts.now)) {
      report.lockedSkipped++;
      continue;
    }
    await deps.store.delete(info.key);
    await deps.manifest.forget([id]);
    report.objectsDeleted++;
    report.bytesFreed += info.size;
  }
  return report;
}
