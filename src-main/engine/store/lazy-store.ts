import type { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, ChangedBlob, ConditionalGetOptions, GetOptions, PendingUpload, PutOptions, PutResult, StoreFeatures,
} from '../ports/blob-store.ts';

/**
 * A store built on first use. The S3 store needs the AWS SDK, whose loading is a large share of a short
 * command's start-up; a vault on a local folder, or `coffer --help`, should not pay for it. Location and
 * features are known up front, so callers see no difference.
 */
export class LazyStore implements BlobStore {
  private inner: Promise<BlobStore> | null = null;

  constructor(
    readonly location: string,
    readonly features: StoreFeatures,
    private readonly build: () => Promise<BlobStore>,
  ) {}

  private store(): Promise<BlobStore> {
    this.inner ??= this.build();
    return this.inner;
  }

  async put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    return (await this.store()).put(key, body, opts);
  }

  async get(key: string, opts?: GetOptions): Promise<Readable> {
    return (await this.store()).get(key, opts);
  }

  async head(key: string): Promise<BlobInfo | null> {
    return (await this.store()).head(key);
  }

  async getIfChanged(key: string, etag: string, opts?: ConditionalGetOptions): Promise<ChangedBlob | null> {
    return (await this.store()).getIfChanged(key, etag, opts);
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    yield* (await this.store()).list(prefix);
  }

  async delete(key: string): Promise<void> {
    return (await this.store()).delete(key);
  }

  async *pendingUploads(): AsyncIterable<PendingUpload> {
    const s = await this.store();
    if (s.pendingUploads) yield* s.pendingUploads();
  }

  async abortUpload(upload: PendingUpload): Promise<void> {
    const s = await this.store();
    if (s.abortUpload) await s.abortUpload(upload);
  }
}
