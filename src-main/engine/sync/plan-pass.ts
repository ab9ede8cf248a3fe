import { NotFoundError } from '../ports/store-errors.ts';
import type { JournalRecord, Journal } from '../ports/journal.ts';
import type { Scanner, IndexedEntry, ScanResult } from '../ports/scanner.ts';
import type { Head, Root } from '../manifest/schema.ts';
import type { ManifestStore, Tree } from '../manifest/manifest-store.ts';
import { checkHeadAgainst } from '../manifest/head-check.ts';
import { checkMassDelete } from './mass-delete-guard.ts';
import type { LocalIndex } from './local-index.ts';
import { noPhaseTimer, type PhaseTimer } from '../ports/phase-timer.ts';

export interface PlanDeps {
  manifest: ManifestStore;
  journal: Journal;
  scanner: Scanner;
  massDeleteThreshold: number;
  /** The highest head generation a reader on this machine saw (vault/seen-head.ts); the index's own counts too. */
  seenGeneration?: number;
  /** Which root of the head to merge with (see BaseChooser); default the head's own root. */
  chooseBase?: BaseChooser;
  phases?: PhaseTimer;
}

/**
 * Picks the root a pass merges with from the head read. A team vault refuses roots not signed by a current
 * writer (helper "team": `acceptedHead(manifest, head, membership)` walks `parent` back to the newest
 * accepted one); `refused` names the commits skipped, each becoming a warning of the pass.
 */
export type BaseChooser = (head: { head: Head; etag: string }) => Promise<{ rootId: string; refused: string[] }>;

const headRootAsBase: BaseChooser = async (h) => ({ rootId: h.head.rootId, refused: [] });

/** The head as read and the tree a pass merges with. */
export interface HeadState {
  head: { head: Head; etag: string } | null;
  baseRoot: Root | null;
  base: Tree;
  /** Commits the base chooser refused (warnings). */
  refused: string[];
}

/**
 * Reads the head (refusing a rollback below what this machine saw) and the tree to merge with. Called at
 * the start of a pass and again by a commit that lost the race for the head (commit-pass.ts).
 */
export async function readHeadState(deps: Pick<PlanDeps, 'manifest' | 'seenGeneration' | 'chooseBase'>, index: LocalIndex): Promise<HeadState> {
  const head = await deps.manifest.readHead();
  checkHeadAgainst(head?.head ?? null, Math.max(index.generation, deps.seenGeneration ?? 0), 'sync');
  // ROLE CHECK HOOK (issue 9): the one call that chooses the base root from the head. Helper "team" plugs
  // `acceptedHead(...)` in here through deps.chooseBase; today it is the head's own root.
  const chosen = head ? await (deps.chooseBase ?? headRootAsBase)(head) : null;
  const baseRoot = chosen ? await deps.manifest.readRoot(chosen.rootId) : null;
  const base: Tree = baseRoot ? await deps.manifest.readTree(baseRoot) : new Map();
  return { head, baseRoot, base, refused: chosen?.refused ?? [] };
}

/** What the folder and the vault look like at the start of a pass, and what the pass is to do. */
export interface PassPlan {
  /** The head as read (null: a vault never committed); the commit moves it conditionally on its etag. */
  head: { head: Head; etag: string } | null;
  baseRoot: Root | null;
  /** The head's tree (or the root the base chooser accepted): the merge's "theirs". */
  base: Tree;
  /** The tree this device last committed or saw, which "changed" is judged against (see ownView); the merge's base. */
  own: Tree;
  /**
   * false when this device has no view of its own (never synced here, or its last root was pruned): own is
   * empty, and where the folder and the head differ the head's version keeps the name (merge-trees.ts).
   */
  ownKnown: boolean;
  scan: ScanResult;
  /** Paths to delete from the tree: what this device had and the folder no longer has. */
  deleted: string[];
  /** The journal's records since the last commit: what an interrupted pass began. */
  pending: JournalRecord[];
  /** Commits the base chooser refused (warnings). */
  refused: string[];
}

/** A pass with nothing to do: the head is the one this device last saw and the folder's print is unchanged. */
export interface NoChangePlan {
  noChange: true;
  scan: ScanResult;
}

/**
 * Phase 1 of a pass: read the head (refusing a rollback below what this machine saw), the root and its
 * tree, scan the folder against this device's own view, and apply the mass-delete guard (MassDeleteError).
 * Writes nothing, journals nothing; reads the journal's pending records for the next phases.
 *
 * The no-change pass: when the index holds the folder's print and the head is still the version it names
 * (one conditional request, nothing opened or decrypted), the scan looks for that print first; when it
 * finds it, nothing is read from the bucket or the index's per-path block and a NoChangePlan is returned.
 */
export async function planPass(deps: PlanDeps, index: LocalIndex, req: { scope?: string[]; allowMassDelete?: boolean }): Promise<PassPlan | NoChangePlan> {
  const phases = deps.phases ?? noPhaseTimer;
  const expectPrint = await phases.time('checking the head against the index', () => unchangedHeadPrint(deps, index, req));
  let state: HeadState | null = null;
  let view: { tree: Tree; known: boolean } | null = null;
  const indexed = async () => {
    state = await phases.time('reading the head and its tree', () => readHeadState(deps, index));
    view = await phases.time("reading this device's own view", () => ownView(deps.manifest, index, state!.baseRoot?.rootId, state!.base));
    return indexedView(view.tree, index);
  };
  const scan = await phases.time('scanning the folder', async () => {
    if (expectPrint) return deps.scanner.scan(indexed, { scope: req.scope, expectPrint });
    // No print to look for: the index is needed whatever the walk finds, so the head is read (a request or
    // two) and the tree opened while the folder is walked, instead of before. A failure still surfaces
    // from the scan; one after the walk failed is caught here, not left unhandled.
    const early = indexed();
    early.catch(() => undefined);
    return deps.scanner.scan(() => early, { scope: req.scope });
  });
  if (scan.printMatched) return { noChange: true, scan };
  // The scan called indexed() unless the print matched (handled above).
  const { head, baseRoot, base, refused } = state!;
  const { tree: own, known: ownKnown } = view!;

  // Only what this device had and no longer has is a deletion: a path another device added since is
  // kept, and one another device changed meanwhile is kept by the merge (edit beats delete).
  const deleted = scan.deleted.filter((p) => own.has(p));
  const baseFiles = [...base.values()].filter((e) => e.type !== 'dir').length;
  checkMassDelete(deleted.filter((p) => own.get(p)?.type !== 'dir').length, baseFiles, deps.massDeleteThreshold, !!req.allowMassDelete);

  return { head, baseRoot, base, own, ownKnown, scan, deleted, pending: await deps.journal.pending(), refused };
}

/**
 * The print to look for, when a no-change pass is possible: a full pass, a print saved, nothing pending in
 * the journal, no reader on this machine saw a newer head (else an unchanged etag would hide a rollback),
 * and the head still the exact object the index names.
 */
async function unchangedHeadPrint(deps: PlanDeps, index: LocalIndex, req: { scope?: string[] }): Promise<string | undefined> {
  const print = index.folderPrint;
  if (req.scope || !print || !index.etag || !index.rootId || (deps.seenGeneration ?? 0) > index.generation) return undefined;
  if ((await deps.journal.pending()).length > 0) return undefined;
  return (await deps.manifest.headChanged(index.etag)) === null ? print : undefined;
}

function indexedView(own: Tree, index: LocalIndex): Map<string, IndexedEntry> {
  const indexed = new Map<string, IndexedEntry>();
  const { inodes, localMeta } = index;
  for (const e of own.values()) {
    // A pulled file as it is on this disk (local-index.ts localMeta), while the tree still holds that content.
    const local = localMeta?.[e.path];
    const meta = local && local.hash === e.hash ? local : e;
    indexed.set(e.path, { kind: e.type, size: meta.size, mtimeMs: meta.mtimeMs, mode: meta.mode, ino: inodes[e.path], hash: e.hash });
  }
  return indexed;
}

/**
 * The tree this device last committed or saw. When another device moved the head since, the scan must
 * compare the folder with this view, not with the head: otherwise the other device's new files would
 * look deleted here, and its edits would look like local changes to upload over it.
 */
async function ownView(manifest: ManifestStore, index: LocalIndex, headRootId: string | undefined, head: Tree): Promise<{ tree: Tree; known: boolean }> {
  const tree = await committedView(manifest, index, headRootId, head);
  if (!tree) return { tree: new Map(), known: false };
  const held = Object.entries(index.heldBack ?? {});
  if (held.length === 0) return { tree, known: true };
  // What a pull left alone: this device's view of those paths is still what the folder had.
  const view = new Map(tree);
  for (const [p, e] of held) {
    if (e) view.set(p, e);
    else view.delete(p);
  }
  return { tree: view, known: true };
}

/** The tree of the root the index names; null when there is none (never synced) or it was pruned. */
async function committedView(manifest: ManifestStore, index: LocalIndex, headRootId: string | undefined, head: Tree): Promise<Tree | null> {
  // Never synced here (a joined device, a lost index): nothing in the folder is known, so every file is
  // compared with the head by content and nothing in it is taken for a deletion or an unchanged copy.
  if (!index.rootId) return null;
  if (index.rootId === headRootId) return head;
  try {
    return await manifest.readTree(await manifest.readRoot(index.rootId));
  } catch (err) {
    // Pruned by retention (a device offline for longer than the retention period): nothing is known, as
    // on a first pass, so every file that differs from the head is kept as a conflict copy, never taken
    // for a stale copy to drop or to upload over the head's version.
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}
