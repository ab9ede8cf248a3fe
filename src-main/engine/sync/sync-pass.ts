import type { BlobStore } from '../ports/blob-store.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import type { Clock, RandomSource } from '../ports/clock.ts';
import type { HistoryEntry, HistoryLog, Journal } from '../ports/journal.ts';
import type { Scanner, IndexedEntry } from '../ports/scanner.ts';
import type { SyncProgress, SyncSummary } from '../ports/vault-service.ts';
import type { Chunk, FileEntry, Root } from '../manifest/schema.ts';
import type { ManifestStore, Tree } from '../manifest/manifest-store.ts';
import { ContentUploader, DEFAULT_TUNING, type UploadTuning } from './content-uploader.ts';
import { ObjectWriter } from './object-writer.ts';
import { ResumeMap } from './resume-map.ts';
import { checkMassDelete } from './mass-delete-guard.ts';
import { mergeNotStored, readFailure, scanSkipReason } from './not-stored.ts';
import type { LocalIndex } from './local-index.ts';
import type { Sealer } from '../ports/sealer.ts';
import { checkHeadAgainst } from '../manifest/head-check.ts';
import { Housekeeping } from './housekeeping.ts';

// Re-exported: the check is shared by every reader of the tree (manifest/head-check.ts).
export { RollbackError } from '../manifest/head-check.ts';

export interface SyncPassDeps {
  root: string;
  vaultId: string;
  deviceId: string;
  store: BlobStore;
  sealer: Sealer;
  manifest: ManifestStore;
  journal: Journal;
  history: HistoryLog;
  scanner: Scanner;
  clock: Clock;
  random: RandomSource;
  spoolDir: string;
  keyVersion: () => Promise<number>;
  massDeleteThreshold: number;
  tuning?: Partial<UploadTuning>;
  onProgress?: (p: SyncProgress) => void;
  /** Saves the local index; called as soon as the head moved, before any housekeeping can fail. */
  saveIndex?: (index: LocalIndex) => Promise<void>;
  /**
   * The highest head generation any reader on this machine saw (vault/seen-head.ts): a restore or verify
   * may have seen a newer head than this device's last sync, and a rollback below it must be refused too.
   */
  seenGeneration?: number;
}

export interface SyncRequest {
  scope?: string[];
  allowMassDelete?: boolean;
  syncId?: string;
}

export interface SyncPassResult extends SyncSummary {
  /**
   * false when some file in the folder is not in the vault as it is now (unreadable, changed while read,
   * a special file): every such file is in `problems`, and only the user's ignore rules leave one out.
   */
  complete: boolean;
  /** The files behind complete=false / errors, for the dashboard's failure list. */
  problems: { path: string; reason: string }[];
  index: LocalIndex;
  /** Post-commit housekeeping that failed (see housekeeping.ts); the pass committed all the same. */
  warnings: string[];
}

/**
 * One pass: read the head, scan, store new content, write the manifest, move the head. Nothing in the
 * bucket changes meaning until the final conditional head write (FORMAT.md §Write ordering).
 */
export async function runSyncPass(deps: SyncPassDeps, index: LocalIndex, req: SyncRequest = {}): Promise<SyncPassResult> {
  const now = () => new Date(deps.clock.now()).toISOString();
  const syncId = req.syncId ?? Buffer.from(deps.random(6)).toString('hex');
  const history: HistoryEntry[] = [];
  const note = (e: Omit<HistoryEntry, 'time' | 'syncId'>) => history.push({ time: now(), syncId, ...e });

  const headRes = await deps.manifest.readHead();
  checkHeadAgainst(headRes?.head ?? null, Math.max(index.generation, deps.seenGeneration ?? 0), 'sync');
  const baseRoot: Root | null = headRes ? await deps.manifest.readRoot(headRes.head.rootId) : null;
  const base: Tree = baseRoot ? await deps.manifest.readTree(baseRoot) : new Map();

  const own = await ownView(deps.manifest, index, headRes?.head.rootId, base);
  const indexed = new Map<string, IndexedEntry>();
  for (const e of own.values()) {
    indexed.set(e.path, { kind: e.type, size: e.size, mtimeMs: e.mtimeMs, mode: e.mode, ino: index.inodes[e.path], hash: e.hash });
  }
  const scan = await deps.scanner.scan(indexed, { scope: req.scope });

  // Only what this device had and no longer has is a deletion: a path another device added since is kept.
  const deleted = scan.deleted.filter((p) => base.has(p) && own.has(p));
  const baseFiles = [...base.values()].filter((e) => e.type !== 'dir').length;
  checkMassDelete(deleted.filter((p) => base.get(p)?.type !== 'dir').length, baseFiles, deps.massDeleteThreshold, !!req.allowMassDelete);

  const next: Tree = new Map(base);
  const inodes = { ...index.inodes };
  for (const p of deleted) {
    next.delete(p);
    delete inodes[p];
  }
  const deletedHashes = new Map<string, string>();
  for (const p of deleted) {
    const h = base.get(p)?.hash;
    if (h) deletedHashes.set(h, p);
  }

  const known = new Map<string, { chunks: Chunk[]; path: string }>();
  for (const e of base.values()) if (e.hash && e.chunks) known.set(e.hash, { chunks: e.chunks, path: e.path });
  const pending = await deps.journal.pending();
  const resume = new ResumeMap(pending);
  const hints = {
    sizes: new Set([...base.values()].filter((e) => e.type === 'file').map((e) => e.size)),
    pendingPaths: new Set(pending.flatMap((r) => (r.type === 'intent' ? r.files.map((f) => f.path) : []))),
  };
  const writer = new ObjectWriter({ store: deps.store, sealer: deps.sealer, journal: deps.journal, vaultId: deps.vaultId, spoolDir: deps.spoolDir, random: deps.random });
  const uploader = new ContentUploader(deps.root, writer, resume, known, deps.random, { ...DEFAULT_TUNING, ...deps.tuning }, hints);
  const keyVersion = await deps.keyVersion();
  const seq = index.deviceSeq + 1;
  const stamp = { device: deps.deviceId, seq };

  const progress: SyncProgress = { filesDone: 0, filesTotal: scan.candidates.length, bytesDone: 0, bytesTotal: scan.candidates.reduce((n, c) => n + c.size, 0) };
  const started = deps.clock.now();
  const report = () => {
    const elapsed = (deps.clock.now() - started) / 1000;
    const rate = elapsed > 0 ? progress.bytesDone / elapsed : 0;
    deps.onProgress?.({ ...progress, etaSeconds: rate > 0 ? Math.round((progress.bytesTotal - progress.bytesDone) / rate) : undefined });
  };

  let uploaded = 0, renamed = 0, skipped = 0, errors = 0, changed = deleted.length > 0;
  // Files this pass could not store: they make the pass incomplete and are listed on the dashboard.
  const problems: { path: string; reason: string }[] = [];
  const unstored = (e: { action: 'error' | 'skip'; path: string; reason: string }) => {
    note(e);
    problems.push({ path: e.path, reason: e.reason });
  };
  // What the scan could not even look at (unreadable, special files) is not stored either.
  for (const s of scan.skipped) {
    if (s.reason === 'permission denied' || s.reason.startsWith('error ')) errors++;
    else skipped++;
    unstored({ action: s.reason === 'permission denied' ? 'error' : 'skip', path: s.path, reason: scanSkipReason(s.reason) });
  }
  const movedFrom = new Set<string>();
  const candidates = [...scan.candidates].sort((a, b) => a.size - b.size);
  uploader.expect(candidates);
  for (const c of candidates) {
    const prev = base.get(c.path);
    if (c.kind !== 'file') {
      const entry: FileEntry = { path: c.path, type: c.kind, size: 0, mode: c.mode, mtimeMs: c.mtimeMs, ...stamp, ...(c.kind === 'symlink' ? { target: c.target ?? '' } : {}) };
      if (!prev || prev.type !== entry.type || prev.target !== entry.target || prev.mode !== entry.mode) changed = true;
      next.set(c.path, prev && prev.type === entry.type && prev.target === entry.target && prev.mode === entry.mode ? prev : entry);
      inodes[c.path] = c.ino;
      continue;
    }
    try {
      // "Unchanged" is judged against this device's own view: if another device edited the file since,
      // its version stands unless this device changed the content too (then the newer write wins).
      const out = await uploader.upload(c, own.get(c.path) ?? prev);
      if (out.kind === 'same') {
        const current = next.get(c.path);
        if (current?.hash === out.hash && (current.mtimeMs !== c.mtimeMs || current.mode !== c.mode)) {
          next.set(c.path, { ...current, mtimeMs: c.mtimeMs, mode: c.mode });
          changed = true;
        }
      } else {
        next.set(c.path, { path: c.path, type: 'file', size: c.size, mode: c.mode, mtimeMs: c.mtimeMs, hash: out.hash, chunks: out.chunks, ...stamp, keyVersion });
        changed = true;
        if (out.kind === 'reused' && out.from && deletedHashes.get(out.hash) === out.from) {
          renamed++;
          movedFrom.add(out.from);
          note({ action: 'rename', path: c.path, size: c.size, reason: `moved from ${out.from}; no upload needed` });
        } else if (out.kind === 'reused') {
          uploaded++;
          note({ action: 'upload', path: c.path, size: c.size, reason: 'identical content already stored; no upload needed' });
        } else {
          uploaded++;
          note({ action: 'upload', path: c.path, size: c.size });
        }
      }
      inodes[c.path] = c.ino;
    } catch (err) {
      const failure = readFailure(err, deps.root);
      if (!failure) throw err;
      if (failure.kind === 'gone') {
        if (prev) { next.delete(c.path); delete inodes[c.path]; changed = true; note({ action: 'delete', path: c.path, reason: 'deleted while syncing' }); }
        else note({ action: 'skip', path: c.path, reason: 'deleted before it could be read' });
        skipped++;
      } else {
        if (failure.kind === 'error') errors++;
        else skipped++;
        unstored({ action: failure.kind, path: c.path, reason: failure.reason });
      }
    }
    progress.filesDone++;
    progress.bytesDone += c.size;
    report();
  }
  await uploader.flush();
  for (const p of deleted) {
    if (!movedFrom.has(p)) note({ action: 'delete', path: p, reason: 'deleted locally; old versions are kept for the retention period' });
  }

  const notStored = mergeNotStored(index.notStored ?? [], req.scope, problems.map((p) => ({ ...p, time: now() })));
  let result: LocalIndex = { ...index, inodes, lastSync: now(), notStored };
  const after = new Housekeeping();
  if (changed || !headRes) {
    // What the crashed pass began and this one did not take up is dead once this pass commits, but only
    // a pass that looked at every file and stored them all knows that: a scoped pass (one watched file)
    // or one with problems may simply not have reached the file whose upload is waiting to resume.
    const settled = !req.scope && problems.length === 0;
    if (settled) {
      for (const u of resume.unused()) await writer.discardUnused(u.objectId, u.spool);
    }
    const root = await deps.manifest.writeRoot(next, baseRoot, { ...stamp, time: now() }, writer.stored);
    const generation = (headRes?.head.generation ?? 0) + 1;
    const { etag } = await deps.manifest.commitHead(root, headRes?.etag ?? null, generation, now());
    // The head moved: this device's bookkeeping of the commit is saved before anything can fail, so the
    // generation is known (rollback check) and the sequence number is never used twice.
    result = { ...result, rootId: root.rootId, etag, generation, deviceSeq: seq };
    await deps.saveIndex?.(result);
    await deps.journal.append({ type: 'committed', rootId: root.rootId, seq });
    // A commit ends what came before it in the journal: the intents still waiting to resume are carried
    // past it, so the pass that reaches their files resumes their uploads (checkpoints are kept apart).
    if (!settled) {
      const waiting = new Set(resume.unused().map((u) => u.objectId));
      for (const r of pending) if (r.type === 'intent' && waiting.has(r.objectId)) await deps.journal.append(r);
    }
    await after.run('compacting the journal', () => deps.journal.compact());
  } else if (headRes) {
    result = { ...result, rootId: headRes.head.rootId, etag: headRes.etag, generation: headRes.head.generation };
  }
  const deletedCount = deleted.length - movedFrom.size;
  note({ action: 'sync', reason: `uploaded ${uploaded}, renamed ${renamed}, deleted ${deletedCount}, skipped ${skipped}, errors ${errors}`, size: uploader.bytesStored });
  await after.run('recording the history', () => deps.history.append(history));
  return {
    uploaded, deleted: deletedCount, renamed, skipped, errors, bytes: uploader.bytesStored,
    state: problems.length === 0 ? 'up-to-date' : 'error', complete: problems.length === 0, index: result, problems,
    warnings: after.warnings,
  };
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
