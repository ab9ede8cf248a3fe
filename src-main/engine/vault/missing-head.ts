import type { BlobStore, BlobInfo } from '../ports/blob-store.ts';
import type { ManifestStore } from '../manifest/manifest-store.ts';
import { MissingHeadError, NoSnapshotError } from '../manifest/head-check.ts';
import { OBJECTS_PREFIX, objectIdFromKey } from '../objects/object-keys.ts';

/** Roots are among the smallest objects (a root is a short sealed list of segments). */
const ROOT_PROBES = 64;

/**
 * Why a bucket has no head, for a reader with no local memory of it (a new machine): the head was
 * deleted or withheld if a root still authenticates in the bucket; otherwise nothing was ever committed.
 * Roots look like any other object in a listing, so the smallest objects are opened as roots (each
 * attempt is a full authentication, so a forged object cannot pass for one). Always throws: a vault
 * without a head has nothing to restore or verify, and must never look like an empty folder.
 */
export async function explainMissingHead(store: BlobStore, manifest: ManifestStore): Promise<never> {
  const objects: BlobInfo[] = [];
  for await (const info of store.list(OBJECTS_PREFIX)) if (objectIdFromKey(info.key)) objects.push(info);
  if (objects.length === 0) {
    throw new NoSnapshotError(`this vault has no snapshot yet: nothing was ever committed to ${store.location} (run "coffer sync" on the machine that holds the folder)`);
  }
  objects.sort((a, b) => a.size - b.size);
  for (const info of objects.slice(0, ROOT_PROBES)) {
    const root = await manifest.readRoot(objectIdFromKey(info.key)!).catch(() => null);
    if (root) {
      throw new MissingHeadError(`the bucket has no manifest head, yet it holds committed snapshots (one from ${root.time}, root ${root.rootId}): the head was deleted or is withheld; nothing was restored or verified`);
    }
  }
  throw new NoSnapshotError(`this vault has no snapshot yet: ${store.location} holds ${objects.length} objects but no manifest head names them (a first sync that never finished, or a deleted manifest)`);
}
