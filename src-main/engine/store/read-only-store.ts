import type { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, GetOptions, PendingUpload, PutOptions, PutResult, StoreFeatures,
} from '../ports/blob-store.ts';
import { UnsupportedError } from '../ports/store-errors.ts';

/** Refuses every write, for verify, restore and dry runs: a bug there cannot touch the remote. */
export class ReadOnlyStore implements BlobStore {
  readonly features: StoreFeatures;
  readonly location: string;
  readonly pendingUploads?: () => AsyncIterable<PendingUpload>;
  readonly abortUpload?: (upload: PendingUpload) => Promise<void>;

  constructor(private readonly inner: BlobStore) {
    this.features = { ...inner.features };
    this.location = inner.location;
    const { pendingUploads } = inner;
    if (pendingUploads) this.pendingUploads = () => pendingUploads.call(inner);
    if (inner.abortUpload) this.abortUpload = async (u) => this.refuse('abort the upload of', u.key);
  }

  async put(key: string, _body: BlobBody, _opts?: PutOptions): Promise<PutResult> {
    return this.refuse('write', key);
  }

  get(key: string, opts?: GetOptions): Promise<Readable> {
    return this.inner.get(key, opts);
  }

  head(key: string): Promise<BlobInfo | null> {
    return this.inner.head(key);
  }

  list(prefix: string): AsyncIterable<BlobInfo> {
    return this.inner.list(prefix);
  }

  async delete(key: string): Promise<void> {
    return this.refuse('delete', key);
  }

  private refuse(what: string, key: string): never {
    throw new UnsupportedError(`${this.location} is open read-only: refusing to ${what} ${key}`);
  }
}
