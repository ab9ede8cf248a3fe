import { Transform, pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, GetOptions, PendingUpload, PutOptions, PutResult, StoreFeatures,
} from '../ports/blob-store.ts';
import { systemClock } from '../ports/clock.ts';
import type { Clock } from '../ports/clock.ts';
import { TokenBucket } from './token-bucket.ts';

/**
 * Limits the bytes moved by put() and get() to `kibps` KiB/s each way (uploads and downloads have
 * their own bucket, as rclone's --bwlimit does). Metadata calls pass through unthrottled.
 */
export class BandwidthLimitedStore implements BlobStore {
  readonly features: StoreFeatures;
  readonly location: string;
  readonly pendingUploads?: () => AsyncIterable<PendingUpload>;
  readonly abortUpload?: (upload: PendingUpload) => Promise<void>;
  private readonly up: TokenBucket;
  private readonly down: TokenBucket;

  constructor(private readonly inner: BlobStore, opts: { kibps: number; clock?: Clock }) {
    this.features = { ...inner.features };
    this.location = inner.location;
    const clock = opts.clock ?? systemClock;
    this.up = new TokenBucket(opts.kibps * 1024, clock);
    this.down = new TokenBucket(opts.kibps * 1024, clock);
    const { pendingUploads, abortUpload } = inner;
    if (pendingUploads) this.pendingUploads = () => pendingUploads.call(inner);
    if (abortUpload) this.abortUpload = (u) => abortUpload.call(inner, u);
  }

  put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    const limited: BlobBody = { size: body.size, open: (start) => throttle(body.open(start), this.up, opts?.signal) };
    return this.inner.put(key, limited, opts);
  }

  async get(key: string, opts?: GetOptions): Promise<Readable> {
    return throttle(await this.inner.get(key, opts), this.down, opts?.signal);
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

/** pipeline() forwards errors and early destruction both ways, so no file handle leaks. */
function throttle(src: Readable, bucket: TokenBucket, signal?: AbortSignal): Readable {
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bucket.take(chunk.length, signal).then(() => done(null, chunk), done);
    },
  });
  return pipeline(src, t, () => undefined);
}
