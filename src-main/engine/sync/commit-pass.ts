import type { Journal } from '../ports/journal.ts';
import type { Clock } from '../ports/clock.ts';
import type { Root } from '../manifest/schema.ts';
import { ConcurrentWriterError, type ManifestStore, type Tree } from '../manifest/manifest-store.ts';
import type { MergeConflict } from './merge-trees.ts';
import { pullHold } from './pull-pass.ts';
import type { ObjectWriter } from './object-writer.ts';
import type { ResumeMap } from './resume-map.ts';
import { mergeNotStored } from './not-stored.ts';
import type { LocalIndex } from './local-index.ts';
import type { PassPlan } from './plan-pass.ts';
import type { Stamp, StoredContent } from './store-content.ts';
import type { PassLog } from './pass-log.ts';
import { Housekeeping } from './housekeeping.ts';

export interface CommitDeps {
  manifest: ManifestStore;
  journal: Journal;
  clock: Clock;
  /** Saves the local index; called as soon as the head moved, before any housekeeping can fail. */
  saveIndex?: (index: LocalIndex) => Promise<void>;
}

/** The tree to commit on top of a head: the merge of this pass's tree with it (sync-pass.ts). */
export interface CommitTarget {
  head: PassPlan['head'];
  baseRoot: Root | null;
  /** The head's (accepted) tree. */
  base: Tree;
  /** The merged tree to commit. */
  tree: Tree;
  conflicts: MergeConflict[];
  refused: string[];
}

/** Tries at a head another device keeps moving, and the first wait between them (doubled each time). */
export const COMMIT_TRIES = 6;
const FIRST_BACKOFF_MS = 200;

export interface Committed {
  /** The local index after the pass (saved already when the head moved). */
  index: LocalIndex;
  /** true when this pass moved the head. */
  committed: boolean;
  /** Post-commit steps that failed (housekeeping.ts): the commit stands. */
  warnings: string[];
  /** The target finally committed (or found equal to the head): after a lost race, the re-merged one. */
  target: CommitTarget;
}

/**
 * Phase 3 of a pass: when the tree changed (or the vault has no head yet), writes the changed manifest
 * segments and a new root, then moves the head with a conditional write (ConcurrentWriterError when
 * another device moved it first; FORMAT.md §6), saves the local index and journals `committed`. Intents
 * still waiting to resume are journaled again past that record; then the journal is compacted. An
 * unchanged tree commits nothing: the index only learns the head and the pass's problems.
 */
export async function commitPass(
  deps: CommitDeps, plan: PassPlan, first: CommitTarget, content: StoredContent, index: LocalIndex, stamp: Stamp,
  io: { writer: ObjectWriter; resume: ResumeMap }, req: { scope?: string[] }, log: PassLog,
  remerge?: () => Promise<CommitTarget>,
): Promise<Committed> {
  const notStored = mergeNotStored(index.notStored ?? [], req.scope, content.problems.map((p) => ({ ...p, time: log.now() })));
  const learnt: LocalIndex = { ...index, inodes: content.inodes, lastSync: log.now(), notStored };
  let target = first;
  const unchanged = (t: CommitTarget) => !!t.head && !treesDiffer(t.tree, t.base);
  if (unchanged(target)) return { index: seenHead(learnt, target), committed: false, warnings: [], target };
  // What the crashed pass began and this one did not take up is dead once this pass commits, but only
  // a pass that looked at every file and stored them all knows that: a scoped pass (one watched file)
  // or one with problems may simply not have reached the file whose upload is waiting to resume.
  const settled = !req.scope && content.problems.length === 0;
  if (settled) {
    for (const u of io.resume.unused()) await io.writer.discardUnused(u.objectId, u.spool);
  }
  // Packs never heard stored are never reused, so they can go whatever the pass's scope; one that cannot
  // be deleted now keeps its intent past the commit, and the next pass tries again.
  const undeleted = new Set<string>();
  for (const id of io.resume.strays()) await io.writer.discardStray(id).catch(() => undeleted.add(id));
  // Lost the race for the head: re-read it, merge again (the content is stored already) and retry, waiting
  // a little longer each time on the injected clock. Two devices committing in the same second both land.
  let root: Root;
  let generation: number;
  let etag: string;
  for (let attempt = 1; ; attempt++) {
    const { head } = target;
    try {
      // The generation goes into the root too: a team vault signs it, binding the unsigned head's number.
      generation = (head?.head.generation ?? 0) + 1;
      root = await deps.manifest.writeRoot(target.tree, target.baseRoot, { ...stamp, time: log.now(), generation }, io.writer.stored);
      ({ etag } = await deps.manifest.commitHead(root, head?.etag ?? null, generation, log.now()));
      break;
    } catch (err) {
      if (!(err instanceof ConcurrentWriterError) || !remerge || attempt >= COMMIT_TRIES) throw err;
      await deps.clock.sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
      target = await remerge();
      if (unchanged(target)) return { index: seenHead(learnt, target), committed: false, warnings: [], target };
    }
  }
  // The head moved: this device's bookkeeping of the commit is saved before anything can fail, so the
  // generation is known (rollback check) and the sequence number is never used twice. Until the pull
  // has run, the paths it is to change are held back: a crash before it leaves them to the next pass,
  // never taken for local deletions.
  const saved: LocalIndex = {
    ...learnt, rootId: root.rootId, etag, generation, deviceSeq: stamp.seq, heldBack: pullHold(content.next, target.tree),
  };
  await deps.saveIndex?.(saved);
  await deps.journal.append({ type: 'committed', rootId: root.rootId, seq: stamp.seq });
  // A commit ends what came before it in the journal: the intents still waiting to resume are carried
  // past it, so the pass that reaches their files resumes their uploads (checkpoints are kept apart).
  const waiting = new Set([...(settled ? [] : io.resume.unused().map((u) => u.objectId)), ...undeleted]);
  for (const r of plan.pending) if (r.type === 'intent' && waiting.has(r.objectId)) await deps.journal.append(r);
  const after = new Housekeeping();
  await after.run('compacting the journal', () => deps.journal.compact());
  return { index: saved, committed: true, warnings: after.warnings, target };
}

/** Nothing to commit: the index learns the head it merged with. */
function seenHead(learnt: LocalIndex, t: CommitTarget): LocalIndex {
  const { head } = t;
  return head ? { ...learnt, rootId: t.baseRoot?.rootId ?? head.head.rootId, etag: head.etag, generation: head.head.generation } : learnt;
}

function canonical(e: object): string {
  return JSON.stringify(Object.fromEntries(Object.entries(e).sort(([a], [b]) => (a < b ? -1 : 1))));
}

function treesDiffer(a: Tree, b: Tree): boolean {
  if (a.size !== b.size) return true;
  for (const [p, e] of a) {
    const o = b.get(p);
    if (!o || (o !== e && canonical(o) !== canonical(e))) return true;
  }
  return false;
}
