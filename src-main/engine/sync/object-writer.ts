import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash, type Hash } from 'node:crypto';
import type { BlobStore } from '../ports/blob-store.ts';
import type { Journal, JournalRecord } from '../ports/journal.ts';
import type { Sealer } from '../ports/sealer.ts';
import { bufferBody, fileBody } from '../store/body.ts';
import { digestBody, sha256Base64 } from '../store/body-digest.ts';
import type { BlobBody } from '../ports/blob-store.ts';
import type { StoredObject } from '../manifest/schema.ts';
import { fsPath } from '../fsx/raw-name.ts';
import type { RandomSource } from '../ports/clock.ts';
import type { OwnPutOutcome } from '../store/own-object-put.ts';
import { SealedObjects, type SealedPutOptions } from '../objects/sealed-objects.ts';
import { objectRef, type ObjectRef } from '../objects/object-ref.ts';
import { newObjectId } from '../objects/object-id.ts';

/** Bytes buffered per stream stage while sealing a range: 4 frames. */
export const PIPE_BUFFER = 4 * 1024 * 1024;

type IntentFiles = Extract<JournalRecord, { type: 'intent' }>['files'];

/** Where an object ended up: its id (a new one if the chosen id was taken) and its ciphertext size. */
export interface PlacedObject {
  objectId: string;
  size: number;
}

/**
 * Seals objects and stores them, journaling intent before and 'uploaded' after, so a restarted pass
 * can reuse what was stored and resume what was half stored (FORMAT.md §Write ordering, step 1). Keys,
 * contexts and create-only puts come from the sealed-objects layer (objects/sealed-objects.ts); a
 * create-only conflict on an id chosen here is resolved there: the stored object is adopted when it is
 * ours, and otherwise the object moves to a fresh id here (journaled 'abandoned' for the old one).
 */
export class ObjectWriter {
  /**
   * What the store held after each object this writer stored (size, SHA-256, content etag), for the
   * segments that will name them (ManifestStore.writeRoot): `verify --quick` compares them by HEAD.
   */
  readonly stored = new Map<string, StoredObject>();
  /** SHA-256 of each spool file this writer sealed, taken as it was written (no second read). */
  private readonly spoolSums = new Map<string, string>();
  private readonly objects: SealedObjects;

  constructor(
    private readonly deps: { store: BlobStore; sealer: Sealer; journal: Journal; vaultId: string; spoolDir: string; random: RandomSource },
  ) {
    this.objects = new SealedObjects(deps);
  }

  /** A pack of small files, sealed in memory. */
  async writePack(objectId: string, plaintext: Buffer, files: IntentFiles): Promise<PlacedObject> {
    const { journal } = this.deps;
    const ref = objectRef('pack', objectId);
    await journal.append({ type: 'intent', objectId, kind: 'pack', files });
    const sealed = await this.objects.sealBytes(ref, plaintext);
    if (await this.putRecorded(ref, bufferBody(sealed), sha256Base64(sealed)) === 'taken') {
      return this.writePack(await this.abandon(objectId), plaintext, files);
    }
    await journal.append({ type: 'uploaded', objectId, size: sealed.byteLength });
    return { objectId, size: sealed.byteLength };
  }

  /**
   * One byte range of a file, journaled then sealed to a spool file (store it with uploadSpool): the
   * spooled ciphertext is what a resumed multipart upload needs, since sealing again would give different
   * bytes. `hasher` sees the plaintext. Returns the spool path.
   */
  async sealFileRange(
    objectId: string,
    abs: string,
    range: { offset: number; length: number },
    files: IntentFiles,
    hasher: Hash,
  ): Promise<string> {
    const spool = this.spoolPath(objectId);
    await this.deps.journal.append({ type: 'intent', objectId, kind: 'data', files, spool });
    const source = range.length === 0
      ? Readable.from([])
      : createReadStream(fsPath(abs), { start: range.offset, end: range.offset + range.length - 1, highWaterMark: PIPE_BUFFER });
    return this.sealToSpool(objectId, source, hasher);
  }

  /**
   * Seals `source` to this object's spool file and returns its path; `hasher` sees the plaintext. No
   * journal record: the caller appends the intent before the object is stored (storeSpooled). A spool
   * without an intent is local garbage, removed with the spool folder after the next commit.
   */
  async sealToSpool(objectId: string, source: Readable, hasher: Hash): Promise<string> {
    const { spoolDir } = this.deps;
    await mkdir(spoolDir, { recursive: true });
    const spool = this.spoolPath(objectId);
    const tap = new Transform({
      transform(chunk: Buffer, _e, cb) {
        hasher.update(chunk);
        cb(null, chunk);
      },
    });
    const sealed = this.objects.seal(objectRef('data', objectId), tap);
    // Sealed under a temporary name: a spool file under its final name is always complete, which is
    // what lets a restarted pass trust it (resume-map.ts).
    const partial = `${spool}.partial`;
    // A few frames of buffer on both ends, so reading, sealing and writing overlap instead of taking
    // turns (the 16 KiB default stalls the sealer on every 1 MiB frame write).
    const out = createWriteStream(partial, { mode: 0o600, flush: true, highWaterMark: PIPE_BUFFER });
    const sum = createHash('sha256');
    const sumTap = new Transform({
      transform(chunk: Buffer, _e, cb) {
        sum.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await Promise.all([pipeline(source, tap), pipeline(sealed, sumTap, out)]);
    } catch (err) {
      await unlink(partial).catch(() => undefined);
      throw err;
    }
    await rename(partial, spool);
    this.spoolSums.set(spool, sum.digest('base64'));
    return spool;
  }

  /** Journals the intent for an already spooled object, then stores it. */
  async storeSpooled(objectId: string, spool: string, files: IntentFiles): Promise<PlacedObject> {
    await this.deps.journal.append({ type: 'intent', objectId, kind: 'data', files, spool });
    return this.uploadSpool(objectId, spool, files);
  }

  /**
   * Stores a spooled object (its intent already journaled, with `files`), resuming its multipart upload
   * from the journal's checkpoint if any.
   */
  async uploadSpool(objectId: string, spool: string, files: IntentFiles): Promise<PlacedObject> {
    const { journal } = this.deps;
    const { size } = await stat(spool);
    const body = fileBody(spool, size);
    // A spool left by an earlier process is read once more for the checksum S3 wants up front.
    const sha256 = this.spoolSums.get(spool) ?? (await digestBody(body)).sha256;
    this.spoolSums.delete(spool);
    const ref = objectRef('data', objectId);
    const outcome = await this.putRecorded(ref, body, sha256, { checkpoint: journal.checkpoints(objectId) });
    if (outcome === 'taken') {
      // The ciphertext is bound to its id (encryption context): open it and seal it again under the new one.
      const fresh = await this.abandon(objectId);
      const plain = this.objects.open(ref, createReadStream(spool));
      const moved = await this.sealToSpool(fresh, plain, createHash('sha256'));
      await unlink(spool).catch(() => undefined);
      return this.storeSpooled(fresh, moved, files);
    }
    await journal.append({ type: 'uploaded', objectId, size });
    await unlink(spool).catch(() => undefined);
    return { objectId, size };
  }

  /**
   * Drops an object a crashed pass began and this pass does not use: its multipart upload is aborted at
   * once (not left for the daily sweep), its checkpoint and spool removed, its intent marked abandoned.
   * Best effort: an abort that fails is left to the sweep of stale uploads.
   */
  async discardUnused(objectId: string, spool: string | undefined): Promise<void> {
    const { journal, store } = this.deps;
    const checkpoint = journal.checkpoints(objectId);
    const cp = await checkpoint.load();
    const key = this.objects.keyOf(objectRef('data', objectId));
    if (cp && store.abortUpload) await store.abortUpload({ key, uploadId: cp.uploadId }).catch(() => undefined);
    if (cp) await checkpoint.clear();
    await journal.append({ type: 'abandoned', objectId, reason: 'the file changed before its upload resumed' });
    if (spool) await unlink(spool).catch(() => undefined);
  }

  /** Gives up an id someone else's object holds; returns the id to use instead. */
  private async abandon(objectId: string): Promise<string> {
    await this.deps.journal.append({ type: 'abandoned', objectId, reason: 'the bucket already holds a different object under this id' });
    return newObjectId(this.deps.random);
  }

  /** A create-only put (SealedObjects.putNew) that records what the store now holds under the id. */
  private async putRecorded(ref: ObjectRef, body: BlobBody, sha256: string, opts: SealedPutOptions = {}): Promise<OwnPutOutcome> {
    const put = await this.objects.putNew(ref, body, { ...opts, checksumSha256: sha256 });
    // An adopted object holds these very bytes, but its etag's nature is unknown: record no etag for it.
    if (put.outcome !== 'taken') this.stored.set(ref.id, { size: body.size, sha256, ...(put.result?.md5Etag ? { etag: put.result.etag } : {}) });
    if (put.outcome !== 'stored' && opts.checkpoint) await this.dropCheckpoint(ref, opts.checkpoint);
    return put.outcome;
  }

  /**
   * After an adopted or taken put, the multipart upload this id's checkpoint names can never complete
   * (the precheck refused it before the store's own cleanup ran): abort it now rather than leave its parts
   * to the daily sweep, and clear the checkpoint, which compaction would otherwise keep forever.
   */
  private async dropCheckpoint(ref: ObjectRef, checkpoint: NonNullable<SealedPutOptions['checkpoint']>): Promise<void> {
    const cp = await checkpoint.load();
    if (!cp) return;
    // Best effort: after a lost Complete answer the upload is already gone; a failed abort is left to the sweep.
    await this.deps.store.abortUpload?.({ key: this.objects.keyOf(ref), uploadId: cp.uploadId }).catch(() => undefined);
    await checkpoint.clear();
  }

  private spoolPath(objectId: string): string {
    return join(this.deps.spoolDir, objectId);
  }
}
