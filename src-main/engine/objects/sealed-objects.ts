import type { Readable } from 'node:stream';
import type { BlobBody, BlobInfo, BlobStore, PutOptions, PutResult } from '../ports/blob-store.ts';
import type { Sealer } from '../ports/sealer.ts';
import { readAll } from '../store/body.ts';
import { putOwnObjectResult, type OwnPut } from '../store/own-object-put.ts';
import { contextOf, keyOf, type ObjectRef } from './object-ref.ts';

/** What a caller may add to a put; the layer chooses the conditions itself. */
export type SealedPutOptions = Omit<PutOptions, 'ifNoneMatch' | 'ifMatch'>;

/**
 * The vault's sealed objects over one store: every reader and writer of an Encryption SDK object (the
 * manifest, the object writer, the content reader, the SSE-C key, rewrap) names it by an ObjectRef and
 * goes through here, so the key in the bucket, the encryption context and the write conditions are
 * decided in one place (object-ref.ts) and cannot drift apart between callers.
 *
 * Contract
 * - seal*()/open*() go through the Sealer port under contextOf(ref): bytes sealed under one ref are
 *   refused under any other (OpenError "... encryption context mismatch"), so a stored object cannot be
 *   swapped for another, nor a pack read as a data object.
 * - fetch*() read the object's key; a missing object is the store's NotFoundError, a failed download the
 *   store's own error, bad bytes an OpenError (the Sealer's contract).
 * - putNew() is the create-only put of an object whose id this device chose (store/own-object-put.ts):
 *   'stored', 'adopted' (the key already held exactly these bytes: an earlier try landed unheard) or
 *   'taken' (another object holds the key; the caller picks a new id or reports it). On a store without
 *   conditional writes it is a plain put and always 'stored'.
 * - replace() puts over the object's key unconditionally: only rewrap, which stores an object again
 *   under its own ref, and only with bytes sealed under that ref.
 * Stateless apart from its deps; safe to call concurrently.
 */
export class SealedObjects {
  constructor(private readonly deps: { store: BlobStore; sealer: Sealer; vaultId: string }) {}

  get vaultId(): string {
    return this.deps.vaultId;
  }

  keyOf(ref: ObjectRef): string {
    return keyOf(ref);
  }

  seal(ref: ObjectRef, plaintext: Readable): Readable {
    return this.deps.sealer.seal(plaintext, contextOf(this.deps.vaultId, ref));
  }

  open(ref: ObjectRef, ciphertext: Readable): Readable {
    return this.deps.sealer.open(ciphertext, contextOf(this.deps.vaultId, ref));
  }

  sealBytes(ref: ObjectRef, plaintext: Uint8Array): Promise<Uint8Array> {
    return this.deps.sealer.sealBytes(plaintext, contextOf(this.deps.vaultId, ref));
  }

  openBytes(ref: ObjectRef, ciphertext: Uint8Array): Promise<Uint8Array> {
    return this.deps.sealer.openBytes(ciphertext, contextOf(this.deps.vaultId, ref));
  }

  /** The stored ciphertext, unopened (rewrap reads its header's key versions first). */
  async fetchSealed(ref: ObjectRef): Promise<Buffer> {
    return readAll(await this.deps.store.get(keyOf(ref)));
  }

  /** The object's plaintext as a stream, authenticated frame by frame as it arrives. */
  async fetch(ref: ObjectRef): Promise<Readable> {
    return this.open(ref, await this.deps.store.get(keyOf(ref)));
  }

  /**
   * One message inside a container object (a chunk pack, docs/FORMAT.md §3.4): the inclusive byte range
   * of `container`'s key, opened under `ref`, the message's own ref. Only these bytes are downloaded.
   */
  async fetchPart(container: ObjectRef, range: { start: number; end: number }, ref: ObjectRef): Promise<Readable> {
    return this.open(ref, await this.deps.store.get(keyOf(container), { range }));
  }

  /** The object's plaintext, whole (small objects: manifest documents, the SSE-C key). */
  async fetchBytes(ref: ObjectRef): Promise<Uint8Array> {
    return this.openBytes(ref, await this.fetchSealed(ref));
  }

  head(ref: ObjectRef): Promise<BlobInfo | null> {
    return this.deps.store.head(keyOf(ref));
  }

  /** Create-only (see the contract); `body` must be ciphertext sealed under `ref`. */
  putNew(ref: ObjectRef, body: BlobBody, opts: SealedPutOptions = {}): Promise<OwnPut> {
    // Ids are fresh; create-only where the store can say so, so a replayed put can never replace anything.
    const cond = this.deps.store.features.conditionalWrite ? { ifNoneMatch: '*' as const } : {};
    return putOwnObjectResult(this.deps.store, keyOf(ref), body, { ...opts, ...cond });
  }

  /** An unconditional put over the object's key (rewrap only, see the contract). */
  replace(ref: ObjectRef, body: BlobBody, opts: SealedPutOptions = {}): Promise<PutResult> {
    return this.deps.store.put(keyOf(ref), body, opts);
  }
}
