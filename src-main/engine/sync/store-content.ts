import type { Clock, RandomSource } from '../ports/clock.ts';
import type { ScanEntry } from '../ports/scanner.ts';
import type { SyncProgress } from '../ports/vault-service.ts';
import type { Chunk, FileEntry } from '../manifest/schema.ts';
import type { Tree } from '../manifest/manifest-store.ts';
import { ContentUploader, DEFAULT_TUNING, IN_PACK, type ContentOutcome, type UploadTuning } from './content-uploader.ts';
import type { FileChunker } from './chunked-upload.ts';
import type { ObjectWriter } from './object-writer.ts';
import type { ResumeMap } from './resume-map.ts';
import { readFailure, scanSkipReason } from './not-stored.ts';
import type { PassPlan } from './plan-pass.ts';
import type { LocalIndex } from './local-index.ts';
import type { PassLog } from './pass-log.ts';
import { PassProgress } from './pass-progress.ts';
import { PassStoppedError } from './pass-stop.ts';
import { withFields } from '../manifest/entry-copy.ts';

export interface StoreContentDeps {
  root: string;
  clock: Clock;
  random: RandomSource;
  keyVersion: () => Promise<number>;
  tuning?: Partial<UploadTuning>;
  onProgress?: (p: SyncProgress) => void;
  /** The vault's chunker (keyed by its chunking secret); asked for only when a large file is stored. */
  chunker: () => Promise<FileChunker>;
  /** Asked before each file: true stops the pass there (PassStoppedError), e.g. the user paused. */
  stopRequested?: () => boolean;
  /** Files a restore wrote into the folder, by path: content the bucket holds already (vault/restored-contents.ts). */
  restoredContents?: () => Promise<ReadonlyMap<string, RestoredHint>>;
}

/** A restored file's content as its snapshot stored it. */
export interface RestoredHint {
  hash: string;
  chunks: Chunk[];
}

/** The folder as stored and what it took: the merge (merge-trees.ts) takes it as "ours"; the counts go to the result. */
export interface StoredContent {
  /** This device's own view with the folder's changes applied: the merge's "ours". */
  next: Tree;
  inodes: Record<string, number>;
  /** false: the new tree equals the head's, and there is nothing to commit. */
  changed: boolean;
  counts: { uploaded: number; renamed: number; skipped: number; errors: number };
  /** Files this pass could not store: they make the pass incomplete and are listed on the dashboard. */
  problems: { path: string; reason: string }[];
  /** Deleted paths whose content reappeared under a new path (counted as renames, not deletions). */
  movedFrom: Set<string>;
  /** Paths new in the tree with this pass (first stored now): vetted for portable names. */
  added: string[];
  /** Ciphertext bytes stored. */
  bytes: number;
}

/** Who wrote an entry: this device and the sequence number of the root the pass commits. */
export interface Stamp {
  device: string;
  seq: number;
}

/**
 * Phase 2 of a pass: turns the plan's candidates into tree entries, storing new content on the way (the
 * uploader dedups, packs, chunks, resumes; sync/content-uploader.ts). Journals, through the writer, an
 * intent before each object and 'uploaded' after it; the objects stay unreferenced until the commit.
 * A file that cannot be read is counted and named, never a failed pass; a store or key failure throws.
 * `stopRequested` is asked before each file: the pass then stops there with a PassStoppedError.
 */
export async function storeContent(
  deps: StoreContentDeps, plan: PassPlan, index: Pick<LocalIndex, 'inodes' | 'localMeta'>, stamp: Stamp,
  io: { writer: ObjectWriter; resume: ResumeMap }, log: PassLog,
): Promise<StoredContent> {
  const { base, own, scan, deleted } = plan;
  // Ours starts from this device's own view, so what another device changed meanwhile is not mistaken
  // for a local change; the merge then brings the head's changes in.
  const next: Tree = new Map(own);
  const inodes = { ...index.inodes };
  for (const p of deleted) {
    next.delete(p);
    delete inodes[p];
  }
  const deletedHashes = new Map<string, string>();
  for (const p of deleted) {
    const h = own.get(p)?.hash;
    if (h) deletedHashes.set(h, p);
  }
  const tuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const known = new Map<string, { chunks: Chunk[]; path: string }>();
  const knownChunks = new Map<string, Chunk>();
  const hints = { unchunkedSizes: new Set<number>() };
  for (const tree of [base, own]) {
    for (const e of tree.values()) {
      if (!e.hash || !e.chunks) continue;
      known.set(e.hash, { chunks: e.chunks, path: e.path });
      for (const c of e.chunks) if (c.id) knownChunks.set(c.id, c);
      if (e.size > tuning.packFileMax && e.chunks.some((c) => !c.id)) hints.unchunkedSizes.add(e.size);
    }
  }
  await addRestoredContents(deps, scan.candidates, known, knownChunks, io.writer);
  const uploader = new ContentUploader(
    deps.root, io.writer, io.resume, known, deps.random, tuning, { known: knownChunks, chunker: deps.chunker }, hints,
  );
  const keyVersion = await deps.keyVersion();

  const counts = { uploaded: 0, renamed: 0, skipped: 0, errors: 0 };
  let changed = deleted.length > 0;
  const problems: { path: string; reason: string }[] = [];
  const unstored = (e: { action: 'error' | 'skip'; path: string; reason: string }) => {
    log.note(e);
    problems.push({ path: e.path, reason: e.reason });
  };
  // What the scan could not even look at (unreadable, special files) is not stored either.
  for (const s of scan.skipped) {
    if (s.reason === 'permission denied' || s.reason.startsWith('error ')) counts.errors++;
    else counts.skipped++;
    unstored({ action: s.reason === 'permission denied' ? 'error' : 'skip', path: s.path, reason: scanSkipReason(s.reason) });
  }

  const movedFrom = new Set<string>();
  // Entries whose content was stored this pass (packed or chunked): their chunks come from flush().
  const packed: FileEntry[] = [];
  const progress = new PassProgress(scan.candidates, deps.clock, deps.onProgress);
  const candidates = [...scan.candidates].sort((a, b) => a.size - b.size);
  uploader.expect(candidates);
  let done = 0;
  for (const c of candidates) {
    if (deps.stopRequested?.()) {
      // A safe point: settle what is in flight (its objects are journaled as uploaded, for the next
      // pass to reuse), then stop before anything is merged or committed.
      await uploader.flush();
      throw new PassStoppedError(done, candidates.length);
    }
    done++;
    progress.start(c);
    const prev = own.get(c.path) ?? base.get(c.path);
    if (c.kind !== 'file') {
      const entry = notFileEntry(c, stamp);
      const same = prev && prev.type === entry.type && prev.target === entry.target && prev.mode === entry.mode;
      if (!same) changed = true;
      next.set(c.path, same ? prev : entry);
      inodes[c.path] = c.ino;
      progress.done(c);
      continue;
    }
    try {
      // "Unchanged" is judged against this device's own view: if another device edited the file since,
      // its version stands unless this device changed the content too (then the merge keeps both).
      const out = await uploader.upload(c, prev);
      if (out.kind === 'same') {
        const current = next.get(c.path) ?? prev;
        // A pulled file keeps its own mtime and mode on this disk (local-index.ts localMeta): not a change.
        const local = index.localMeta?.[c.path];
        const onDisk = local && local.hash === out.hash ? local : current;
        if (current?.hash === out.hash && (!next.has(c.path) || onDisk!.mtimeMs !== c.mtimeMs || onDisk!.mode !== c.mode)) {
          next.set(c.path, withFields(current, { mtimeMs: c.mtimeMs, mode: c.mode }));
          changed = true;
        }
      } else {
        const entry = fileEntry(c, out.hash, out.chunks === IN_PACK ? undefined : out.chunks, stamp, keyVersion);
        if (out.chunks === IN_PACK) packed.push(entry);
        next.set(c.path, entry);
        changed = true;
        noteStored(out, c, deletedHashes, movedFrom, counts, log);
      }
      inodes[c.path] = c.ino;
    } catch (err) {
      const failure = readFailure(err, deps.root);
      if (!failure) throw err;
      if (failure.kind === 'gone') {
        if (own.has(c.path)) {
          next.delete(c.path);
          delete inodes[c.path];
          changed = true;
          log.note({ action: 'delete', path: c.path, reason: 'deleted while syncing' });
        } else log.note({ action: 'skip', path: c.path, reason: 'deleted before it could be read' });
        counts.skipped++;
      } else {
        if (failure.kind === 'error') counts.errors++;
        else counts.skipped++;
        unstored({ action: failure.kind, path: c.path, reason: failure.reason });
      }
    }
    progress.done(c);
  }
  // Everything is stored now: each entry stored this pass gets the chunks flush() returned.
  const stored = await uploader.flush();
  for (const e of packed) {
    const chunks = stored.get(e.hash!);
    if (!chunks) throw new Error(`internal: nothing stored this pass holds the content of ${e.path}`);
    next.set(e.path, fileEntry(e, e.hash!, chunks, e, e.keyVersion!));
  }
  for (const p of deleted) {
    if (!movedFrom.has(p)) log.note({ action: 'delete', path: p, reason: 'deleted locally; old versions are kept for the retention period' });
  }
  const added = scan.candidates.filter((c) => next.has(c.path) && !base.has(c.path)).map((c) => c.path);
  return { next, inodes, changed, counts, problems, movedFrom, added, bytes: uploader.bytesStored };
}

/*
 * Entries are built with their keys in the schema's order (manifest/schema.ts), the order a segment read
 * back from the bucket has: a segment's digest is over JSON.stringify of its entries, so an entry written
 * in another order made the next commit find every segment of this pass changed and write it again
 * (after a cold pass of 100,000 files, one edited file rewrote all 32 segments).
 */
function fileEntry(
  c: Pick<FileEntry, 'path' | 'size' | 'mode' | 'mtimeMs'>, hash: string, chunks: Chunk[] | undefined, stamp: Stamp, keyVersion: number,
): FileEntry {
  return chunks
    ? { path: c.path, type: 'file', size: c.size, mode: c.mode, mtimeMs: c.mtimeMs, hash, chunks, device: stamp.device, seq: stamp.seq, keyVersion }
    : { path: c.path, type: 'file', size: c.size, mode: c.mode, mtimeMs: c.mtimeMs, hash, device: stamp.device, seq: stamp.seq, keyVersion };
}

function notFileEntry(c: ScanEntry, stamp: Stamp): FileEntry {
  return c.kind === 'symlink'
    ? { path: c.path, type: c.kind, size: 0, mode: c.mode, mtimeMs: c.mtimeMs, target: c.target ?? '', device: stamp.device, seq: stamp.seq }
    : { path: c.path, type: c.kind, size: 0, mode: c.mode, mtimeMs: c.mtimeMs, device: stamp.device, seq: stamp.seq };
}

function noteStored(
  out: Exclude<ContentOutcome, { kind: 'same' }>, c: ScanEntry, deletedHashes: Map<string, string>, movedFrom: Set<string>,
  counts: StoredContent['counts'], log: PassLog,
): void {
  if (out.kind === 'reused' && out.from && deletedHashes.get(out.hash) === out.from) {
    counts.renamed++;
    movedFrom.add(out.from);
    log.note({ action: 'rename', path: c.path, from: out.from, size: c.size, reason: `moved from ${out.from}; no upload needed` });
  } else if (out.kind === 'reused') {
    counts.uploaded++;
    log.note({ action: 'upload', path: c.path, size: c.size, reason: 'identical content already stored; no upload needed' });
  } else {
    counts.uploaded++;
    log.note({ action: 'upload', path: c.path, size: c.size });
  }
}

/**
 * A file a restore wrote (a version of an older snapshot, a deleted file put back, a restored copy) has
 * content the bucket already holds, though not in the head's tree: its snapshot's chunks join the known
 * contents, so the uploader reuses them when the file still has that hash. Only candidates of this pass
 * are looked at, and only chunks still stored are reused (one HEAD per object: a prune may have taken
 * them since the snapshot was read); otherwise the file is uploaded as new content, as without the hint.
 */
async function addRestoredContents(
  deps: StoreContentDeps, candidates: readonly ScanEntry[], known: Map<string, { chunks: Chunk[]; path: string }>,
  knownChunks: Map<string, Chunk>, writer: ObjectWriter,
): Promise<void> {
  const hints = deps.restoredContents ? await deps.restoredContents() : new Map<string, RestoredHint>();
  if (hints.size === 0) return;
  const stored = new Map<string, Promise<boolean>>();
  const stillStored = (c: Chunk) => {
    let p = stored.get(c.object);
    if (!p) stored.set(c.object, (p = writer.stillStored(c.kind, c.object)));
    return p;
  };
  for (const c of candidates) {
    const hint = c.kind === 'file' ? hints.get(c.path) : undefined;
    if (!hint || known.has(hint.hash)) continue;
    const present = await Promise.all(hint.chunks.map(stillStored));
    if (!present.every(Boolean)) continue;
    known.set(hint.hash, { chunks: hint.chunks, path: c.path });
    for (const chunk of hint.chunks) if (chunk.id) knownChunks.set(chunk.id, chunk);
  }
}
