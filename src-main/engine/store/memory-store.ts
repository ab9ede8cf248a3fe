import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, ChangedBlob, ConditionalGetOptions, GetOptions, PutOptions, PutResult, StoreFeatures,
} from '../ports/blob-store.ts';
import { NotFoundError, PreconditionFailedError, StoreError, UnsupportedError } from '../ports/store-errors.ts';
import { readAll } from './body.ts';
import { sha256Base64 } from './body-digest.ts';
import { assertValidKey, assertValidRange, normalizePrefix } from './keys.ts';

export interface MemoryEntry {
  data: Buffer;
  etag: string;
  lastModified: Date;
  /** The checksum the writer gave, kept like S3 keeps x-amz-checksum-sha256. */
  checksumSha256?: string;
}

/** An in-process store for tests. Conditional writes are exact: check and set happen in one turn. */
export class MemoryStore implements BlobStore {
  readonly features: StoreFeatures = { conditionalWrite: true, multipart: false };
  readonly location: string;
  private readonly prefix: string;
  private readonly objects: Map<string, MemoryEntry>;

  /** Stores sharing `objects` see each other's writes, like two clients of one bucket. */
  constructor(opts: { prefix?: string; objects?: Map<string, MemoryEntry> } = {}) {
    this.prefix = normalizePrefix(opts.prefix);
    this.objects = opts.objects ?? new Map();
    this.location = `memory:${this.prefix}`;
  }

  /** The shared backing map, so a second MemoryStore can open the same "bucket". */
  get backing(): Map<string, MemoryEntry> {
    return this.objects;
  }

  async put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    opts.signal?.throwIfAborted();
    const data = await readAll(body.open(0));
    if (data.length !== body.size) throw new Error(`body for ${key} yielded ${data.length} bytes, declared ${body.size}`);
    opts.signal?.throwIfAborted();
    if (opts.objectLock) throw new UnsupportedError(`${this.location} cannot lock objects (S3 Object Lock only)`);
    if (opts.checksumSha256 !== undefined && sha256Base64(data) !== opts.checksumSha256) {
      throw new StoreError(`refusing to store ${key}: its bytes do not match the SHA-256 the caller gave`);
    }
    const full = this.prefix + key;
    const current = this.objects.get(full);
    if (opts.ifNoneMatch === '*' && current) throw new PreconditionFailedError(`${key} already exists`);
    if (opts.ifMatch !== undefined && current?.etag !== opts.ifMatch) {
      throw new PreconditionFailedError(`${key} is not at version ${opts.ifMatch}`);
    }
    const etag = `"${createHash('sha256').update(data).digest('hex').slice(0, 32)}"`;
    this.objects.set(full, { data, etag, lastModified: new Date(), ...(opts.checksumSha256 ? { checksumSha256: opts.checksumSha256 } : {}) });
    return { etag };
  }

  async get(key: string, opts: GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    assertValidRange(opts.range);
    const e = this.objects.get(this.prefix + key);
    if (!e) throw new NotFoundError(`${key} not found in ${this.location}`);
    if (opts.ifMatch !== undefined && e.etag !== opts.ifMatch) {
      throw new PreconditionFailedError(`${key} in ${this.location} is no longer the version ${opts.ifMatch}`);
    }
    const { start, end } = opts.range ?? { start: 0, end: e.data.length - 1 };
    if (opts.range && start >= e.data.length) {
      throw new StoreError(`range ${start}-${end} starts past the end of ${key} (${e.data.length} bytes)`);
    }
    opts.onEtag?.(e.etag);
    return Readable.from([e.data.subarray(start, Math.min(end, e.data.length - 1) + 1)]);
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    const e = this.objects.get(this.prefix + key);
    return e ? { key, size: e.data.length, etag: e.etag, lastModified: e.lastModified, ...(e.checksumSha256 ? { checksumSha256: e.checksumSha256 } : {}) } : null;
  }

  async getIfChanged(key: string, etag: string, opts: ConditionalGetOptions = {}): Promise<ChangedBlob | null> {
    assertValidKey(key);
    opts.signal?.throwIfAborted();
    const e = this.objects.get(this.prefix + key);
    if (!e) throw new NotFoundError(`${key} not found in ${this.location}`);
    return e.etag === etag ? null : { body: Readable.from([e.data]), etag: e.etag };
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    const full = this.prefix + prefix;
    // Snapshot first: callers may delete while iterating.
    const hits = [...this.objects].filter(([k]) => k.startsWith(full));
    for (const [k, e] of hits) {
      yield { key: k.slice(this.prefix.length), size: e.data.length, etag: e.etag, lastModified: e.lastModified };
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.objects.delete(this.prefix + key);
  }
}
