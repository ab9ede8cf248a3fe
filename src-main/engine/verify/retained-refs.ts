import type { ManifestStore } from '../manifest/manifest-store.ts';
import type { FileEntry, Root } from '../manifest/schema.ts';
import { walkRoots } from '../manifest/reachable.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { objectPhrase } from './problem-text.ts';

export interface SnapshotRef {
  rootId: string;
  time: string;
}

export interface VerifyProblem {
  /** The file; '' when the problem is in the manifest itself (a root or segment). */
  path: string;
  reason: string;
  /** The object at fault, when one is. */
  object?: string;
  /** The newest retained snapshot that needs it. */
  snapshot?: SnapshotRef;
  /** How many retained snapshots need it. */
  snapshots?: number;
}

/** One stored version of a file's bytes: files with the same hash and chunks share it. */
export interface ContentRef {
  entry: FileEntry;
  /** Every (path, segment) that names this content, so a problem can name each file and snapshot. */
  holders: { path: string; segment: string }[];
}

export interface RetainedRefs {
  snapshots: SnapshotRef[];
  contents: ContentRef[];
  /** Segment -> the snapshots (newest first) whose root names it. */
  segmentSnapshots: Map<string, SnapshotRef[]>;
  /** Every object the kept roots reach: roots, segments, data objects and packs. */
  referenced: Map<string, 'root' | 'manifest' | 'data' | 'pack'>;
  problems: VerifyProblem[];
  /** The oldest kept snapshot, whose parent retention deleted (null: the history is complete). */
  historyStartsAfter: SnapshotRef | null;
}

/**
 * One walk over every snapshot retention keeps, from the head back (manifest/reachable.ts), collecting
 * what each needs. Every root and segment is read from the bucket through the ManifestStore given, and a
 * missing or damaged one is a problem, not the end of the check. The chain ends where retention pruned
 * it (a missing parent); when `retentionDays` is known, a parent missing inside the retention period
 * is reported, since retention would have kept it.
 */
export async function collectRetainedRefs(manifest: ManifestStore, headRootId: string, opts: { now: number; retentionDays?: number }): Promise<RetainedRefs> {
  const out: RetainedRefs = {
    snapshots: [], contents: [], segmentSnapshots: new Map(), referenced: new Map(), problems: [], historyStartsAfter: null,
  };
  const byContent = new Map<string, ContentRef>();
  const snap = (r: Root): SnapshotRef => ({ rootId: r.rootId, time: r.time });
  const onUnreadable = (segment: string, root: Root, err: unknown) => {
    out.referenced.set(segment, 'manifest'); // referenced all the same: never reported as unreferenced
    out.problems.push({
      path: '', object: segment, snapshot: snap(root),
      reason: `manifest segment ${segment} of snapshot ${root.time} (root ${root.rootId}) ${objectPhrase(err)}: the files it lists cannot be checked or restored from that snapshot`,
    });
  };
  const sink: KeptRootsSink = {
    problem: (p) => out.problems.push(p),
    historyStartsAfter: (s) => {
      out.historyStartsAfter = s;
    },
  };
  for await (const r of walkRoots(manifest, keptRoots(manifest, headRootId, opts, sink), { onUnreadable })) {
    if (r.kind === 'root') {
      out.snapshots.push(snap(r.root));
      out.referenced.set(r.id, 'root');
      for (const s of r.root.segments) {
        const list = out.segmentSnapshots.get(s.object) ?? [];
        list.push(snap(r.root));
        out.segmentSnapshots.set(s.object, list);
      }
    } else if (r.kind === 'manifest') {
      out.referenced.set(r.id, 'manifest');
    } else if (r.entry.type === 'file') {
      const e = r.entry;
      const chunks = e.chunks ?? [];
      const key = `${e.hash ?? ''}:${e.size}:${chunks.map((c) => `${c.object}@${c.offset}+${c.length}`).join(',')}`;
      let ref = byContent.get(key);
      if (!ref) {
        ref = { entry: e, holders: [] };
        byContent.set(key, ref);
        out.contents.push(ref);
      }
      ref.holders.push({ path: e.path, segment: r.segment });
      for (const c of chunks) if (!out.referenced.has(c.object)) out.referenced.set(c.object, c.kind === 'chunk' ? 'pack' : c.kind); // a chunk pack is a pack to the listing
    }
  }
  return out;
}

/** Where keptRoots() reports: a root that cannot be read (with its error), and where pruning ended the chain. */
export interface KeptRootsSink {
  problem(p: VerifyProblem, err: unknown): void;
  historyStartsAfter?(oldestKept: SnapshotRef): void;
}

/**
 * The kept roots, newest first, read one by one so that a bad one is reported and ends the chain. A
 * missing parent is retention's doing unless `retentionDays` says retention would have kept it.
 */
export async function* keptRoots(manifest: ManifestStore, headRootId: string, opts: { now: number; retentionDays?: number }, sink: KeptRootsSink): AsyncGenerator<Root> {
  let id: string | null = headRootId;
  let child: Root | null = null;
  while (id) {
    let root: Root;
    try {
      root = await manifest.readRoot(id);
    } catch (err) {
      const withinRetention = child && opts.retentionDays !== undefined && Date.parse(child.time) >= opts.now - opts.retentionDays * 86_400_000;
      if (child && err instanceof NotFoundError && !withinRetention) {
        sink.historyStartsAfter?.({ rootId: child.rootId, time: child.time });
        return; // pruned by retention: older history is gone by design
      }
      const which = child ? `the snapshot before ${child.time} (root ${id})` : `the current snapshot (root ${id}, named by the head)`;
      const why = withinRetention && err instanceof NotFoundError ? ', although retention keeps it' : '';
      sink.problem({
        path: '', object: id, ...(child ? { snapshot: { rootId: child.rootId, time: child.time } } : {}),
        reason: `${which} ${objectPhrase(err)}${why}; it and every older snapshot cannot be checked or restored`,
      }, err);
      return;
    }
    yield root;
    child = root;
    id = root.parent;
  }
}
