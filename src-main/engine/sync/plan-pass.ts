import { NotFoundError } from '../ports/store-errors.ts';
import type { JournalRecord, Journal } from '../ports/journal.ts';
import type { Scanner, IndexedEntry, ScanResult } from '../ports/scanner.ts';
import type { Head, Root } from '../manifest/schema.ts';
import type { ManifestStore, Tree } from '../manifest/manifest-store.ts';
import { checkHeadAgainst } from '../manifest/head-check.ts';
import { checkMassDelete } from './mass-delete-guard.ts';
import type { LocalIndex } from './local-index.ts';

export interface PlanDeps {
  manifest: ManifestStore;
  journal: Journal;
  scanner: Scanner;
  massDeleteThreshold: number;
  /** The highest head generation a reader on this machine saw (vault/seen-head.ts); the index's own counts too. */
  seenGeneration?: number;
}

/** What the folder and the vault look like at the start of a pass, and what the pass is to do. */
export interface PassPlan {
  /** The head as read (null: a vault never committed); the commit moves it conditionally on its etag. */
  head: { head: Head; etag: string } | null;
  baseRoot: Root | null;
  /** The head's tree: the new tree starts from it. */
  base: Tree;
  /** The tree this device last committed or saw, which "changed" is judged against (see ownView). */
  own: Tree;
  scan: ScanResult;
  /** Paths to delete from the tree: what this device had and the folder no longer has. */
  deleted: string[];
  /** The journal's records since the last commit: what an interrupted pass began. */
  pending: JournalRecord[];
}

/**
 * Phase 1 of a pass: read the head (refusing a rollback below what this machine saw), the root and its
 * tree, scan the folder against this device's own view, and apply the mass-delete guard (MassDeleteError).
 * Writes nothing, journals nothing; reads the journal's pending records for the next phases.
 */
export async function planPass(deps: PlanDeps, index: LocalIndex, req: { scope?: string[]; allowMassDelete?: boolean }): Promise<PassPlan> {
  const head = await deps.manifest.readHead();
  checkHeadAgainst(head?.head ?? null, Math.max(index.generation, deps.seenGeneration ?? 0), 'sync');
  const baseRoot = head ? await deps.manifest.readRoot(head.head.rootId) : null;
  const base: Tree = baseRoot ? await deps.manifest.readTree(baseRoot) : new Map();

  const own = await ownView(deps.manifest, index, head?.head.rootId, base);
  const indexed = new Map<string, IndexedEntry>();
  for (const e of own.values()) {
    indexed.set(e.path, { kind: e.type, size: e.size, mtimeMs: e.mtimeMs, mode: e.mode, ino: index.inodes[e.path], hash: e.hash });
  }
  const scan = await deps.scanner.scan(indexed, { scope: req.scope });

  // Only what this device had and no longer has is a deletion: a path another device added since is kept.
  const deleted = scan.deleted.filter((p) => base.has(p) && own.has(p));
  const baseFiles = [...base.values()].filter((e) => e.type !== 'dir').length;
  checkMassDelete(deleted.filter((p) => base.get(p)?.type !== 'dir').length, baseFiles, deps.massDeleteThreshold, !!req.allowMassDelete);

  return { head, baseRoot, base, own, scan, deleted, pending: await deps.journal.pending() };
}

/**
 * The tree this device last committed or saw. When another device moved the head since, the scan must
 * compare the folder with this view, not with the head: otherwise the other device's new files would
 * look deleted here, and its edits would look like local changes to upload over it.
 */
async function ownView(manifest: ManifestStore, index: LocalIndex, headRootId: string | undefined, head: Tree): Promise<Tree> {
  if (!index.rootId || index.rootId === headRootId) return head;
  try {
    return await manifest.readTree(await manifest.readRoot(index.rootId));
  } catch (err) {
    if (err instanceof NotFoundError) return head; // pruned by retention: the head is the best view left
    throw err;
  }
}
