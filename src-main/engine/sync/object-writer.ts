import { unlink } from 'node:fs/promises';
import type { BlobStore } from '../ports/blob-store.ts';
import type { Journal, JournalRecord } from '../ports/journal.ts';
import { OpenError, type Sealer } from '../ports/sealer.ts';
import { NotFoundError } from '../ports/store-errors.ts';
import { bufferBody, buffersBody } from '../store/body.ts';
import { sha256Base64 } from '../store/body-digest.ts';
import type { BlobBody, UploadCheckpoint, UploadCheckpointStore } from '../ports/blob-store.ts';
import type { StoredObject } from '../manifest/schema.ts';
import type { RandomSource } from '../ports/clock.ts';
import type { OwnPutOutcome } from '../store/own-object-put.ts';
import { SealedObjects, type SealedPutOptions } from '../objects/sealed-objects.ts';
import { objectRef, type ObjectRef } from '../objects/object-ref.ts';
import { newObjectId } from '../objects/object-id.ts';

type IntentFiles = Extract<JournalRecord, { type: 'intent' }>['files'];

/** Padding off: objects are as long as their content. */
export const noPadding = (n: number): number => n;

/** The plaintext followed by zeros up to `padTo(length)`: the reader takes only the bytes the manifest names. */
function padded(plain: Buffer, padTo: (n: number) => number): Buffer {
  const to = padTo(plain.length);
  if (to < plain.length) throw new Error(`internal: padding ${plain.length} bytes to ${to}`);
  return to === plain.length ? plain : Buffer.concat([plain, Buffer.alloc(to - plain.length)]);
}

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
  private readonly objects: SealedObjects;

  constructor(
    private readonly deps: { store: BlobStore; sealer: Sealer; journal: Journal; vaultId: string; spoolDir: string; random: RandomSource },
  ) {
    this.objects = new SealedObjects(deps);
  }

  /** A pack of small files, sealed in memory. */
  async writePack(objectId: string, plaintext: Buffer, files: IntentFiles, padTo: (n: number) => number = noPadding): Promise<PlacedObject> {
    const { journal } = this.deps;
    const ref = objectRef('pack', objectId);
    await journal.append({ type: 'intent', objectId, kind: 'pack', files });
    const sealed = await this.objects.sealBytes(ref, padded(plaintext, padTo));
    if (await this.putHeld(ref, bufferBody(sealed), sha256Base64(sealed)) === 'taken') {
      return this.writePack(await this.abandon(objectId), plaintext, files, padTo);
    }
    await journal.append({ type: 'uploaded', objectId, size: sealed.byteLength });
    return { objectId, size: sealed.byteLength };
  }

  /**
   * One content-defined chunk (format 3), sealed in memory as its own data object: at most 8 MiB, so no
   * spool and no multipart resume (after a crash, adoptChunk reads back what landed, else it is sealed
   * again). `padTo` gives the plaintext length to pad to with zeros (docs/FORMAT.md §3.5; identity when
   * padding is off).
   */
  async writeChunk(objectId: string, data: Buffer, file: IntentFiles[number], padTo: (n: number) => number): Promise<PlacedObject> {
    const { journal } = this.deps;
    const ref = objectRef('data', objectId);
    await journal.append({ type: 'intent', objectId, kind: 'data', files: [file], chunk: true });
    const sealed = await this.objects.sealBytes(ref, padded(data, padTo));
    if (await this.putRecorded(ref, bufferBody(sealed), sha256Base64(sealed)) === 'taken') {
      return this.writeChunk(await this.abandon(objectId), data, file, padTo);
    }
    await journal.append({ type: 'uploaded', objectId, size: sealed.byteLength });
    return { objectId, size: sealed.byteLength };
  }

  /**
   * One content-defined chunk sealed as its own Encryption SDK message under a fresh id (kind 'data',
   * `padTo` as for writeChunk), for a chunk pack (format 4): the message is authenticated on its own, so
   * a reader opens it from one Range GET of the pack.
   */
  async sealChunkMessage(messageId: string, data: Buffer, padTo: (n: number) => number): Promise<Uint8Array> {
    return this.objects.sealBytes(objectRef('data', messageId), padded(data, padTo));
  }

  /**
   * A chunk pack (format 4): sealed chunk messages back to back, stored as one object under `packId`. The
   * intent lists every chunk (by keyed id, with its message's place), so a pass after a crash reuses the
   * chunks of a pack it heard stored. A pack never heard stored is not adopted: its chunks are sealed
   * again, and a copy that landed unheard is deleted by that pass (discardStray).
   */
  async writeChunkPack(packId: string, messages: readonly Uint8Array[], files: IntentFiles): Promise<PlacedObject> {
    const { journal } = this.deps;
    const ref = objectRef('pack', packId);
    await journal.append({ type: 'intent', objectId: packId, kind: 'chunks', files });
    const body = buffersBody(messages);
    if (await this.putHeld(ref, body, sha256Base64(messages)) === 'taken') {
      const fresh = await this.abandon(packId);
      return this.writeChunkPack(fresh, messages, files);
    }
    await journal.append({ type: 'uploaded', objectId: packId, size: body.size });
    return { objectId: packId, size: body.size };
  }

  /** Whether an object an earlier pass stored is still in the bucket (nobody pruned it meanwhile). */
  async stillStored(kind: 'data' | 'pack' | 'chunk', objectId: string): Promise<boolean> {
    // A chunk pack is no single message: only its key matters for a HEAD, which is that of any object id.
    return (await this.objects.head(objectRef(kind === 'chunk' ? 'pack' : kind, objectId))) !== null;
  }

  /**
   * A chunk a crashed pass journaled but never heard stored: its PUT may have landed unheard. Sealing it
   * again would give other bytes, so the stored object is read back instead and adopted when it holds
   * exactly this chunk (zero padding after it allowed); then it is journaled 'uploaded' like a fresh one.
   * Returns null when there is no such object or it holds anything else (the caller stores it anew).
   */
  async adoptChunk(objectId: string, data: Buffer): Promise<PlacedObject | null> {
    const ref = objectRef('data', objectId);
    let sealed: Buffer;
    let plain: Uint8Array;
    try {
      sealed = await this.objects.fetchSealed(ref);
      plain = await this.objects.openBytes(ref, sealed);
    } catch (err) {
      if (err instanceof NotFoundError || err instanceof OpenError) return null;
      throw err;
    }
    const body = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
    if (body.length < data.length || !body.subarray(0, data.length).equals(data) || body.subarray(data.length).some((b) => b !== 0)) return null;
    this.stored.set(objectId, { size: sealed.length, sha256: sha256Base64(sealed) });
    await this.deps.journal.append({ type: 'uploaded', objectId, size: sealed.length });
    return { objectId, size: sealed.length };
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

  /**
   * Deletes a pack a crashed pass began and never heard stored (ResumeMap.strays): the id is this
   * device's own and was never committed, so nothing names it. Missing is fine (the PUT never landed).
   */
  async discardStray(objectId: string): Promise<void> {
    await this.deps.store.delete(this.objects.keyOf(objectRef('pack', objectId)));
    await this.deps.journal.append({ type: 'abandoned', objectId, reason: 'a pack never heard stored; its content was stored again' });
  }

  /** Gives up an id someone else's object holds; returns the id to use instead. */
  private async abandon(objectId: string): Promise<string> {
    await this.deps.journal.append({ type: 'abandoned', objectId, reason: 'the bucket already holds a different object under this id' });
    return newObjectId(this.deps.random);
  }

  /**
   * A pack, held in memory: where the store uploads it in parts, the parts are kept in a checkpoint held
   * here for this call, so a retry sends only the missing parts (RetryingStore counts each part as
   * progress) instead of starting the whole pack again; an upload that still fails is aborted at once.
   */
  private async putHeld(ref: ObjectRef, body: BlobBody, sha256: string): Promise<OwnPutOutcome> {
    let held: UploadCheckpoint | null = null;
    const checkpoint: UploadCheckpointStore = {
      load: async () => held,
      save: async (cp) => void (held = cp),
      clear: async () => void (held = null),
    };
    try {
      return await this.putRecorded(ref, body, sha256, { checkpoint });
    } catch (err) {
      await this.dropCheckpoint(ref, checkpoint);
      throw err;
    }
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
}
