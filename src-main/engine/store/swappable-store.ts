import type { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, GetOptions, PendingUpload, PutOptions, PutResult, StoreFeatures,
} from '../ports/blob-store.ts';

/**
 * A store whose inner store can be replaced by another over the same destination (the same objects),
 * e.g. with new request options such as an SSE mode. Each call goes to the store current when it
 * starts; a call under way finishes on the store it started on.
 */
export class SwappableStore implements BlobStore {
  readonly features: StoreFeatures;
  readonly location: string;
  readonly pendingUploads?: () => AsyncIterable<PendingUpload>;
  readonly abortUpload?: (upload: PendingUpload) => Promise<void>;

  constructor(private inner: BlobStore) {
    this.features = { ...inner.features };
    this.location = inner.location;
    if (inner.pendingUploads) this.pendingUploads = () => this.inner.pendingUploads!();
    if (inner.abortUpload) this.abortUpload = (u) => this.inner.abortUpload!(u);
  }

  /** The replacement must be over the same destination with the same features. */
  swap(next: BlobStore): void {
    if (next.location !== this.location) throw new Error(`cannot swap ${this.location} for ${next.location}`);
    this.inner = next;
  }

  put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    return this.inner.put(key, body, opts);
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

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
