import type { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, ChangedBlob, ConditionalGetOptions, GetOptions, PendingUpload, PutOptions, PutResult, StoreFeatures,
} from '../ports/blob-store.ts';

/**
 * The base of a BlobStore wrapper: every call goes to `inner` unchanged, so a wrapper overrides only what
 * it changes. It claims exactly the inner store's features, and offers the optional upload calls only
 * when the inner store has them. Calls read `this.inner` when they start, so a subclass may replace it
 * (SwappableStore).
 */
export abstract class ForwardingStore implements BlobStore {
  readonly features: StoreFeatures;
  readonly location: string;
  pendingUploads?: () => AsyncIterable<PendingUpload>;
  abortUpload?: (upload: PendingUpload) => Promise<void>;

  constructor(protected inner: BlobStore) {
    this.features = { ...inner.features };
    this.location = inner.location;
    if (inner.pendingUploads) this.pendingUploads = () => this.inner.pendingUploads!();
    if (inner.abortUpload) this.abortUpload = (u) => this.inner.abortUpload!(u);
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

  getIfChanged(key: string, etag: string, opts?: ConditionalGetOptions): Promise<ChangedBlob | null> {
    return this.inner.getIfChanged(key, etag, opts);
  }

  list(prefix: string): AsyncIterable<BlobInfo> {
    return this.inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
