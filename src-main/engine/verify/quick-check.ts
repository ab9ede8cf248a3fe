import type { BlobStore } from '../ports/blob-store.ts';
import type { ManifestStore } from '../manifest/manifest-store.ts';
import type { StoredObject } from '../manifest/schema.ts';
import { walkRoots } from '../manifest/reachable.ts';
import { objectKey } from '../objects/object-keys.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { keptRoots } from './retained-refs.ts';
import { objectPhrase } from './problem-text.ts';

/** One object a snapshot needs, with what was recorded when it was stored (absent in older vaults). */
export interface ObjectRef {
  key: string;
  expected?: StoredObject;
}

export interface QuickCheckReport {
  /** Objects looked at (one HEAD each). */
  objects: number;
  /** Present, of the recorded size, and with a matching SHA-256 or MD5 etag. */
  confirmed: number;
  /**
   * Present and of the right size where known, but nothing to compare without a download: no record
   * (older vault, an upload resumed after a crash), or a store with no checksum whose etag is not an MD5
   * (multipart under SSE-KMS or SSE-C, a folder store without a record).
   */
  unchecked: number;
  missing: string[];
  bad: { key: string; reason: string }[];
}

/**
 * `verify --quick`: confirms by HEAD alone that each object exists and that the store's record of it
 * matches what was recorded at upload. The store's SHA-256 is compared when it keeps one (AWS S3, the
 * folder store); otherwise the etag, where it was recorded as the ciphertext's MD5. Nothing is downloaded,
 * so this proves the store still has what it was given, not that the bytes still authenticate: that is
 * `verify --read-data`. Refs are taken as given, so any walk (every retained snapshot) can feed it.
 */
export async function quickCheck(
  store: BlobStore, refs: Iterable<ObjectRef>, opts: { concurrency?: number; onProgress?: (done: number) => void } = {},
): Promise<QuickCheckReport> {
  const report: QuickCheckReport = { objects: 0, confirmed: 0, unchecked: 0, missing: [], bad: [] };
  const todo = [...refs];
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const ref = todo[next++]!;
      const info = await store.head(ref.key);
      report.objects++;
      opts.onProgress?.(report.objects);
      const exp = ref.expected;
      if (!info) report.missing.push(ref.key);
      else if (exp && info.size !== exp.size) report.bad.push({ key: ref.key, reason: `is ${info.size} bytes, expected ${exp.size} (recorded at upload)` });
      else if (exp && info.checksumSha256 !== undefined) {
        if (info.checksumSha256 === exp.sha256) report.confirmed++;
        else report.bad.push({ key: ref.key, reason: `its SHA-256 is ${info.checksumSha256}, expected ${exp.sha256} (recorded at upload)` });
      } else if (exp?.etag !== undefined && info.etag !== undefined) {
        if (info.etag === exp.etag) report.confirmed++;
        else report.bad.push({ key: ref.key, reason: `its ETag is ${info.etag}, expected the MD5 ${exp.etag} (recorded at upload)` });
      } else report.unchecked++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 16) }, worker));
  report.missing.sort();
  report.bad.sort((a, b) => a.key.localeCompare(b.key));
  return report;
}

/** What the walk of the kept snapshots found: the objects they need, and the roots and segments it could not read. */
export interface ReferencedObjects {
  refs: ObjectRef[];
  missing: string[];
  bad: { key: string; reason: string }[];
}

/**
 * The data objects and packs every retained snapshot needs, newest snapshot first, each with the record
 * of the newest segment that names it. Roots and segments are not listed: the walk reads and authenticates
 * each of them to learn the rest, the same walk as a full verify (retained-refs.ts keptRoots), so a root
 * missing inside the retention period or a damaged root or segment is reported, not taken for pruning.
 */
export async function referencedObjects(
  manifest: ManifestStore, headRootId: string, opts: { now: number; retentionDays?: number },
): Promise<ReferencedObjects> {
  const refs = new Map<string, ObjectRef>();
  const out: ReferencedObjects = { refs: [], missing: [], bad: [] };
  const unreadable = (id: string, reason: string, err: unknown) => {
    if (err instanceof NotFoundError) out.missing.push(objectKey(id));
    else out.bad.push({ key: objectKey(id), reason });
  };
  const sink = { problem: (p: { object?: string; reason: string }, err: unknown) => unreadable(p.object ?? '', p.reason, err) };
  const onUnreadable = (segment: string, root: { rootId: string; time: string }, err: unknown) => unreadable(
    segment, `is the manifest segment of snapshot ${root.time} (root ${root.rootId}) and ${objectPhrase(err)}: the files it lists cannot be checked`, err,
  );
  let stored: Record<string, StoredObject> = {};
  for await (const r of walkRoots(manifest, keptRoots(manifest, headRootId, opts, sink), { onUnreadable })) {
    if (r.kind === 'manifest') stored = r.segment.stored ?? {};
    if (r.kind !== 'entry') continue;
    for (const c of r.entry.chunks ?? []) {
      // The newest snapshot's view wins, a missing record included: an older segment's record may
      // describe a copy that was since stored again (keys rewrap).
      if (refs.has(c.object)) continue;
      const expected = stored[c.object];
      refs.set(c.object, { key: objectKey(c.object), ...(expected ? { expected } : {}) });
    }
  }
  out.refs = [...refs.values()];
  return out;
}

/** The quick check's report with the roots and segments the walk could not read added. */
export function withManifestProblems(report: QuickCheckReport, walked: ReferencedObjects): QuickCheckReport {
  const missing = [...report.missing, ...walked.missing].sort();
  const bad = [...report.bad, ...walked.bad].sort((a, b) => a.key.localeCompare(b.key));
  return { ...report, missing, bad };
}
