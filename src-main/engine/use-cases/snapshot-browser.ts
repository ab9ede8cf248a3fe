import type {
  RestoreProgress, RestoreSnapshotRequest, RestoreSummary, SnapshotFolderQuery, SnapshotItem, SnapshotQuery, SnapshotSearchQuery, SnapshotView,
} from '../ports/vault-service.ts';
import type { Tree } from '../manifest/manifest-store.ts';
import type { LocalVault } from '../vault/local-vault.ts';
import type { HistoryNames } from './history-names.ts';
import { SnapshotIndex } from './snapshot-index.ts';
import { MAX_ITEM_PAGE, RestoreRequestError, listSnapshots, restoreSelection, writesIntoVault } from './snapshot-ops.ts';

/** Snapshot indexes kept in memory: the one on screen, the one before, and the newest (for "deleted since"). */
const KEPT_INDEXES = 3;
/** Progress events at most this often (a restore of 100k small files would otherwise send 100k); the last always goes. */
const PROGRESS_EVERY_MS = 100;

export interface BrowserDeps {
  vault: LocalVault;
  names: () => Promise<HistoryNames>;
  /** Runs a restore into the vault's folder between passes (VaultRunner.withoutSyncing). */
  betweenPasses: <T>(fn: () => Promise<T>) => Promise<T>;
  onProgress: (p: RestoreProgress) => void;
}

/**
 * The Restore view's side of the app's service: snapshots page by page, one snapshot's folders and search
 * (an index per snapshot, built once), and restores of a selection or of one version as a copy, one at a
 * time. Every restore goes through the engine's one restore path (snapshot-ops.ts → restoreVault).
 */
export class SnapshotBrowser {
  private readonly indexes = new Map<string, { tree: Tree; index: SnapshotIndex }>();
  private restoring = false;

  constructor(private readonly deps: BrowserDeps) {}

  async snapshots(q: SnapshotQuery): Promise<{ snapshots: SnapshotView[]; next?: string }> {
    return listSnapshots(this.deps.vault, q, await this.deps.names().catch(() => undefined));
  }

  async folder(q: SnapshotFolderQuery): Promise<{ items: SnapshotItem[]; total: number }> {
    const items = (await this.snapshot(q.rootId)).index.list(q.folder);
    if (!items) throw new RestoreRequestError(`the snapshot has no folder "${q.folder}"`);
    return page(items, q.offset, q.limit);
  }

  async search(q: SnapshotSearchQuery): Promise<{ items: SnapshotItem[]; total: number }> {
    return page((await this.snapshot(q.rootId)).index.search(q.query), q.offset, q.limit);
  }

  /** Chosen paths of a snapshot to their original location or another folder. */
  restore(req: RestoreSnapshotRequest): Promise<RestoreSummary> {
    return this.oneAtATime(async () => {
      const { tree } = await this.snapshot(req.rootId);
      const throttled = throttle(this.deps.onProgress, () => this.deps.vault.clock.now());
      // Into the live folder passes wait: they would otherwise store half-restored files and upload them anew.
      const run = () => restoreSelection(this.deps.vault, tree, { ...req, onProgress: throttled });
      return writesIntoVault(this.deps.vault, req.to) ? this.deps.betweenPasses(run) : run();
    });
  }

  /** One version beside the file as "<name> (restored <its time>).<ext>" (restore/copy-name.ts). */
  restoreCopy(path: string, versionId: string, timeZone?: string): Promise<{ restoredPath: string }> {
    return this.oneAtATime(async () => {
      const { tree } = await this.snapshot(versionId);
      const entry = tree.get(path);
      if (!entry || entry.type !== 'file') throw new RestoreRequestError(`${path} has no stored content in that version`);
      const summary = await this.deps.betweenPasses(() => restoreSelection(this.deps.vault, tree, {
        rootId: versionId, paths: [path], existing: 'keep-both', asCopy: true, timeZone,
      }));
      const copy = summary.keptBoth[0];
      if (!copy) throw new Error(`${path} could not be restored: ${summary.failed[0]?.reason ?? 'nothing was written'}`);
      return { restoredPath: copy.restoredAs };
    });
  }

  /** The newest snapshot moved (a pass committed): what the indexes call "deleted since" is read again. */
  forgetIndexes(): void {
    this.indexes.clear();
  }

  private async oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    if (this.restoring) throw new RestoreRequestError('a restore is already running: wait for it to finish');
    this.restoring = true;
    try {
      return await fn();
    } finally {
      this.restoring = false;
      // The folder changed under the comparison the indexes made; the next look reads it again.
      this.indexes.clear();
    }
  }

  /** The snapshot's tree and index, with the newest tree to compare against; a few are kept. */
  private async snapshot(rootId: string): Promise<{ tree: Tree; index: SnapshotIndex }> {
    const kept = this.indexes.get(rootId);
    if (kept) {
      this.indexes.delete(rootId);
      this.indexes.set(rootId, kept);
      return kept;
    }
    const { vault } = this.deps;
    const { tree } = await vault.snapshotTree(rootId);
    const newest = await vault.tree();
    const made = { tree, index: new SnapshotIndex(tree, newest.rootId === rootId ? tree : newest.tree) };
    this.indexes.set(rootId, made);
    for (const old of this.indexes.keys()) if (this.indexes.size > KEPT_INDEXES) this.indexes.delete(old);
    return made;
  }
}

function page<T>(all: T[], offset = 0, limit = 200): { items: T[]; total: number } {
  return { items: all.slice(offset, offset + Math.min(limit, MAX_ITEM_PAGE)), total: all.length };
}

function throttle(send: (p: RestoreProgress) => void, now: () => number): (p: RestoreProgress) => void {
  let last = -Infinity;
  return (p) => {
    const t = now();
    if (t - last < PROGRESS_EVERY_MS && p.done < p.total) return;
    last = t;
    send(p);
  };
}
