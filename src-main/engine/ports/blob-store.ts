import type { Readable } from 'node:stream';

/**
 * BlobStore: the seam to object storage (restic's Backend). Every implementation and every wrapper
 * passes test/store/conformance.ts.
 *
 * Contract
 * - Keys are '/'-separated strings chosen by the engine; a store never interprets them. A store opened
 *   with a prefix prepends it itself, so callers always use vault-relative keys.
 * - put() is atomic: a reader sees the old object, or the whole new one, never a part. Overwriting an
 *   existing key is allowed unless a condition says otherwise.
 * - Conditions: `ifNoneMatch: '*'` creates only; `ifMatch: etag` replaces only that version. A failed
 *   condition throws PreconditionFailedError and changes nothing. Stores without conditional writes
 *   report `features.conditionalWrite = false` and throw UnsupportedError when a condition is given.
 * - get() serves one version: `ifMatch` names it (another throws PreconditionFailedError), `onEtag`
 *   is told which one it is. get() of a missing key throws NotFoundError; head() of a missing key returns null (null means
 *   "absent", never "unknown": any other failure throws).
 * - getIfChanged(key, etag) is a conditional read (S3 GET with If-None-Match): null while the key's
 *   current version still has that etag ("unchanged", never "unknown"); otherwise the current version's
 *   bytes and etag, as get() would serve them. A missing key throws NotFoundError, as get() does. One
 *   request on S3 (a 304 costs no body), so polling a small key (the head) costs one request per poll.
 * - delete() is idempotent: deleting a missing key succeeds.
 * - list(prefix) yields every key under the prefix exactly once, in no particular order.
 * - All methods may run concurrently. Errors are the classes in store-errors.ts; TransientStoreError
 *   (and only it) is safe to retry.
 * - A body is re-openable (`open(start)`), so wrappers can retry and multipart uploads can resume.
 * - Checksums: a put given `checksumSha256` must store exactly those bytes or fail (a body that does not
 *   match throws StoreError and stores nothing). A store that keeps the checksum returns it from head();
 *   one that does not (Ceph RGW 16, a multipart S3 object) returns none, never a guess. `md5Etag` on the
 *   result says the etag is derived from the bytes alone (their MD5, or S3's MD5 of part MD5s), so a
 *   later head() with the same etag means the same bytes.
 */
export interface BlobStore {
  /** Human-readable location without credentials, for messages and history. */
  readonly location: string;
  readonly features: StoreFeatures;
  put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult>;
  get(key: string, opts?: GetOptions): Promise<Readable>;
  head(key: string): Promise<BlobInfo | null>;
  getIfChanged(key: string, etag: string, opts?: ConditionalGetOptions): Promise<ChangedBlob | null>;
  list(prefix: string): AsyncIterable<BlobInfo>;
  delete(key: string): Promise<void>;
  /** Multipart uploads begun but never completed (stores without multipart yield nothing). */
  pendingUploads?(): AsyncIterable<PendingUpload>;
  abortUpload?(upload: PendingUpload): Promise<void>;
}

export interface StoreFeatures {
  conditionalWrite: boolean;
  multipart: boolean;
}

/** A payload that can be read again from any offset: a buffer, or a spooled file. */
export interface BlobBody {
  readonly size: number;
  open(start?: number): Readable;
  /**
   * Optional: a local file holding exactly these bytes that nobody writes to again (replacing it by
   * rename is fine). A store on the same filesystem may hard-link it into place instead of copying it;
   * any store may ignore it, and a wrapper that transforms or meters the bytes must drop it.
   */
  readonly path?: string;
}

export interface PutOptions {
  ifNoneMatch?: '*';
  ifMatch?: string;
  /**
   * Where a multipart upload keeps its progress, so a restarted process resumes it instead of
   * starting over. The store calls save() after each part and clear() once completed.
   */
  checkpoint?: UploadCheckpointStore;
  signal?: AbortSignal;
  /** Base64 SHA-256 of the body (S3's x-amz-checksum-sha256), computed by the caller; see the contract. */
  checksumSha256?: string;
  /** S3 storage class (STANDARD_IA, GLACIER_IR...); stores without classes ignore it. */
  storageClass?: string;
  /**
   * S3 Object Lock retention for the new object (or version). A store that cannot lock throws
   * UnsupportedError rather than store an unprotected object.
   */
  objectLock?: ObjectLockRetention;
}

export interface ObjectLockRetention {
  mode: 'GOVERNANCE' | 'COMPLIANCE';
  retainUntil: Date;
}

export interface GetOptions {
  /** Inclusive byte range. */
  range?: { start: number; end: number };
  signal?: AbortSignal;
  /**
   * Serve only the version with this etag; any other (the key was rewritten) throws
   * PreconditionFailedError. A resumed read uses it so it never joins two versions of one key.
   */
  ifMatch?: string;
  /** Told the etag of the version being served, before its first byte (wrappers pass it through). */
  onEtag?: (etag: string) => void;
}

export interface ConditionalGetOptions {
  signal?: AbortSignal;
}

/** What getIfChanged serves when the key moved on from the etag it was given. */
export interface ChangedBlob {
  body: Readable;
  /** The etag of the version `body` holds (the one to give the next getIfChanged). */
  etag: string;
}

export interface PutResult {
  etag: string;
  /** True when the etag is the bytes' MD5 (or S3's MD5 of part MD5s): comparable without a download. */
  md5Etag?: boolean;
}

export interface BlobInfo {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
  /** Base64 SHA-256 of the whole object as the store recorded it; absent when it keeps none. */
  checksumSha256?: string;
}

export interface PendingUpload {
  key: string;
  uploadId: string;
  initiated?: Date;
}

export interface UploadCheckpoint {
  uploadId: string;
  partSize: number;
  /** Parts already stored, with the ETag each returned. */
  parts: { partNumber: number; etag: string }[];
}

export interface UploadCheckpointStore {
  load(): Promise<UploadCheckpoint | null>;
  save(cp: UploadCheckpoint): Promise<void>;
  clear(): Promise<void>;
}
