import { createHash } from 'node:crypto';
import type { BlobStore } from '../ports/blob-store.ts';
import type { RandomSource } from '../ports/clock.ts';
import type { ManifestStore } from '../manifest/manifest-store.ts';
import type { Head } from '../manifest/schema.ts';
import { OBJECTS_PREFIX, objectIdFromKey } from '../objects/object-keys.ts';
import type { ContentReader } from '../read/content-reader.ts';
import { isRangeProblem, objectPhrase } from './problem-text.ts';
import { collectRetainedRefs, type ContentRef, type RetainedRefs, type SnapshotRef, type VerifyProblem } from './retained-refs.ts';

export type { VerifyProblem, SnapshotRef } from './retained-refs.ts';

export interface VerifyOptions {
  /** Download and authenticate this percentage of the stored file versions (100: all; 0: presence only). */
  samplePercent: number;
  random: RandomSource;
  now: number;
  /** The vault's retention, when known on this machine: a root missing inside it is reported. */
  retentionDays?: number;
}

export interface VerifyReport {
  head: { generation: number; rootId: string; time: string };
  /** Retained snapshots walked, newest first; the oldest one's parent was pruned by retention. */
  snapshotsChecked: number;
  oldestSnapshot?: SnapshotRef;
  /** Distinct file versions (across every snapshot) downloaded and checked against their hash. */
  filesChecked: number;
  bytesChecked: number;
  /** Referenced data objects and packs found in the bucket listing, and how many were downloaded. */
  objectsPresent: number;
  objectsRead: number;
  samplePercent: number;
  bad: VerifyProblem[];
  /** Objects under objects/ that no retained snapshot names: reported, never deleted here. */
  unreferenced: { count: number; bytes: number; objects: string[] };
}

const UNREFERENCED_LISTED = 100;

/**
 * Checks what every retained snapshot needs, from the bucket: every root and segment is read and
 * authenticated (by the uncached ManifestStore the caller gives), every data object and pack they name
 * must be in the bucket listing, and the chosen share of file versions is downloaded, authenticated and
 * hashed. Each object, and each message of a chunk pack (by its range), is read at most once however
 * many files and snapshots share it (contents are visited in object order, so a pack of small files is
 * fetched once; an object or message that failed is not fetched again).
 */
export async function verifyVault(
  deps: { store: BlobStore; manifest: ManifestStore; reader: ContentReader },
  head: Head,
  opts: VerifyOptions,
): Promise<VerifyReport> {
  const refs = await collectRetainedRefs(deps.manifest, head.rootId, { now: opts.now, retentionDays: opts.retentionDays });
  const listed = new Map<string, number>();
  for await (const info of deps.store.list(OBJECTS_PREFIX)) {
    const id = objectIdFromKey(info.key);
    if (id) listed.set(id, info.size);
  }
  const report: VerifyReport = {
    head: { generation: head.generation, rootId: head.rootId, time: head.time },
    snapshotsChecked: refs.snapshots.length,
    ...(refs.snapshots.length ? { oldestSnapshot: refs.snapshots[refs.snapshots.length - 1] } : {}),
    filesChecked: 0, bytesChecked: 0, objectsPresent: 0, objectsRead: 0, samplePercent: opts.samplePercent,
    bad: [...refs.problems],
    unreferenced: unreferenced(listed, refs),
  };

  const readable: ContentRef[] = [];
  const missing = new Set<string>();
  for (const [id, kind] of refs.referenced) {
    if (kind !== 'data' && kind !== 'pack') continue; // roots and segments were read from the bucket
    if (listed.has(id)) report.objectsPresent++;
    else missing.add(id);
  }
  for (const content of refs.contents) {
    const gone = (content.entry.chunks ?? []).find((c) => missing.has(c.object));
    if (gone) report.bad.push(...problemsFor(refs, content, { object: gone.object, reason: `object ${gone.object} (${gone.kind}) is missing from the bucket` }));
    else readable.push(content);
  }

  const chosen = choose(readable, opts.samplePercent, opts.random);
  const failed = new Map<string, string>();
  const read = new Set<string>();
  for (const content of chosen) {
    const problem = await checkContent(deps.reader, content, failed, read);
    report.filesChecked++;
    if (problem) report.bad.push(...problemsFor(refs, content, problem));
    else report.bytesChecked += content.entry.size;
  }
  report.objectsRead = read.size;
  return report;
}

/**
 * Reads one file version chunk by chunk, authenticating each object (a chunk pack's chunk: its own
 * message, by range) and hashing the whole.
 */
async function checkContent(reader: ContentReader, content: ContentRef, failed: Map<string, string>, read: Set<string>): Promise<{ object?: string; reason: string } | null> {
  const { entry } = content;
  const hasher = createHash('sha256');
  let size = 0;
  for (const c of entry.chunks ?? []) {
    // A chunk pack's messages stand alone: a damaged one says nothing of the pack's other chunks.
    const unit = c.kind === 'chunk' ? `${c.object}@${c.offset}` : c.object;
    const known = failed.get(unit);
    if (known) return { object: c.object, reason: known };
    try {
      // One chunk as a file of its own: the reader authenticates the object and checks the range length.
      for await (const part of reader.fileContent({ ...entry, chunks: [c], size: c.length, hash: undefined })) {
        hasher.update(part as Buffer);
        size += (part as Buffer).length;
      }
      read.add(c.object);
    } catch (err) {
      const reason = `object ${c.object} (${c.kind}) ${objectPhrase(err)}`;
      read.add(c.object);
      // A bad object is not fetched again for the next file that shares it; a range mismatch is that file's.
      if (!isRangeProblem(err)) failed.set(unit, reason);
      return { object: c.object, reason };
    }
  }
  if (size !== entry.size || (entry.hash && hasher.digest('hex') !== entry.hash)) {
    const only = entry.chunks?.length === 1 ? entry.chunks[0]!.object : undefined;
    return { ...(only ? { object: only } : {}), reason: `its content does not match the manifest (wrong size or hash)${only ? ` (object ${only})` : ''}` };
  }
  return null;
}

/** One problem per path holding the content, naming the newest snapshot that needs it and how many do. */
function problemsFor(refs: RetainedRefs, content: ContentRef, p: { object?: string; reason: string }): VerifyProblem[] {
  const byPath = new Map<string, Map<string, SnapshotRef>>();
  for (const h of content.holders) {
    const snaps = byPath.get(h.path) ?? new Map<string, SnapshotRef>();
    for (const s of refs.segmentSnapshots.get(h.segment) ?? []) snaps.set(s.rootId, s);
    byPath.set(h.path, snaps);
  }
  const order = new Map(refs.snapshots.map((s, i) => [s.rootId, i]));
  return [...byPath].map(([path, snaps]) => {
    const list = [...snaps.values()].sort((a, b) => order.get(a.rootId)! - order.get(b.rootId)!);
    const newest = list[0];
    const where = newest ? `; needed by snapshot ${newest.time} (root ${newest.rootId})${list.length > 1 ? ` and ${list.length - 1} older` : ''}` : '';
    return { path, reason: `${p.reason}${where}`, ...(p.object ? { object: p.object } : {}), ...(newest ? { snapshot: newest } : {}), snapshots: list.length };
  });
}

function unreferenced(listed: Map<string, number>, refs: RetainedRefs): VerifyReport['unreferenced'] {
  const out = { count: 0, bytes: 0, objects: [] as string[] };
  for (const [id, size] of listed) {
    if (refs.referenced.has(id)) continue;
    out.count++;
    out.bytes += size;
    if (out.objects.length < UNREFERENCED_LISTED) out.objects.push(id);
  }
  return out;
}

/** A random share of the versions (at least one when any), then in object order so packs are read once. */
function choose(contents: ContentRef[], pct: number, random: RandomSource): ContentRef[] {
  let picked = contents;
  if (pct < 100) {
    const n = pct <= 0 ? 0 : Math.max(contents.length ? 1 : 0, Math.ceil((contents.length * pct) / 100));
    const a = [...contents];
    for (let i = a.length - 1; i > 0; i--) {
      const r = Buffer.from(random(4)).readUInt32BE(0) % (i + 1);
      [a[i], a[r]] = [a[r]!, a[i]!];
    }
    picked = a.slice(0, n);
  }
  const first = (c: ContentRef) => c.entry.chunks?.[0]?.object ?? '';
  return [...picked].sort((a, b) => first(a).localeCompare(first(b)));
}
