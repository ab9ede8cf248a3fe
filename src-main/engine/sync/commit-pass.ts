import type { Journal } from '../ports/journal.ts';
import type { ManifestStore } from '../manifest/manifest-store.ts';
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
  /** Saves the local index; called as soon as the head moved, before any housekeeping can fail. */
  saveIndex?: (index: LocalIndex) => Promise<void>;
}

export interface Committed {
  /** The local index after the pass (saved already when the head moved). */
  index: LocalIndex;
  /** true when this pass moved the head. */
  committed: boolean;
  /** Post-commit steps that failed (housekeeping.ts): the commit stands. */
  warnings: string[];
}

/**
 * Phase 3 of a pass: when the tree changed (or the vault has no head yet), writes the changed manifest
 * segments and a new root, then moves the head with a conditional write (ConcurrentWriterError when
 * another device moved it first; FORMAT.md §6), saves the local index and journals `committed`. Intents
 * still waiting to resume are journaled again past that record; then the journal is compacted. An
 * unchanged tree commits nothing: the index only learns the head and the pass's problems.
 */
export async function commitPass(
  deps: CommitDeps, plan: PassPlan, content: StoredContent, index: LocalIndex, stamp: Stamp,
  io: { writer: ObjectWriter; resume: ResumeMap }, req: { scope?: string[] }, log: PassLog,
): Promise<Committed> {
  const notStored = mergeNotStored(index.notStored ?? [], req.scope, content.problems.map((p) => ({ ...p, time: log.now() })));
  const learnt: LocalIndex = { ...index, inodes: content.inodes, lastSync: log.now(), notStored };
  const { head } = plan;
  if (!content.changed && head) {
    return { index: { ...learnt, rootId: head.head.rootId, etag: head.etag, generation: head.head.generation }, committed: false, warnings: [] };
  }
  // What the crashed pass began and this one did not take up is dead once this pass commits, but only
  // a pass that looked at every file and stored them all knows that: a scoped pass (one watched file)
  // or one with problems may simply not have reached the file whose upload is waiting to resume.
  const settled = !req.scope && content.problems.length === 0;
  if (settled) {
    for (const u of io.resume.unused()) await io.writer.discardUnused(u.objectId, u.spool);
  }
  const root = await deps.manifest.writeRoot(content.next, plan.baseRoot, { ...stamp, time: log.now() }, io.writer.stored);
  const generation = (head?.head.generation ?? 0) + 1;
  const { etag } = await deps.manifest.commitHead(root, head?.etag ?? null, generation, log.now());
  // The head moved: this device's bookkeeping of the commit is saved before anything can fail, so the
  // generation is known (rollback check) and the sequence number is never used twice.
  const saved: LocalIndex = { ...learnt, rootId: root.rootId, etag, generation, deviceSeq: stamp.seq };
  await deps.saveIndex?.(saved);
  await deps.journal.append({ type: 'committed', rootId: root.rootId, seq: stamp.seq });
  // A commit ends what came before it in the journal: the intents still waiting to resume are carried
  // past it, so the pass that reaches their files resumes their uploads (checkpoints are kept apart).
  if (!settled) {
    const waiting = new Set(io.resume.unused().map((u) => u.objectId));
    for (const r of plan.pending) if (r.type === 'intent' && waiting.has(r.objectId)) await deps.journal.append(r);
  }
  const after = new Housekeeping();
  await after.run('compacting the journal', () => deps.journal.compact());
  return { index: saved, committed: true, warnings: after.warnings };
}
