import type { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, GetOptions, PendingUpload, PutOptions, PutResult, StoreFeatures,
} from '../ports/blob-store.ts';
import { systemClock, systemRandom } from '../ports/clock.ts';
import type { Clock, RandomSource } from '../ports/clock.ts';
import { TransientStoreError } from '../ports/store-errors.ts';

export interface RetryOptions {
  /** Tries per call, the first included. Default 6. */
  maxAttempts?: number;
  /** Backoff before the second try; doubles each time up to maxDelayMs. Default 250 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Told of every retry, e.g. for a status line ("S3 slow, retrying"). */
  onRetry?: (info: { op: string; key: string; attempt: number; delayMs: number; error: TransientStoreError }) => void;
}

/**
 * Retries TransientStoreError (and nothing else) with exponential backoff and full jitter. put() hands
 * the same re-openable body to each try, so every try reads it from the start (or, for a multipart
 * upload with a checkpoint, resumes it). list() restarts after a failure and skips keys already yielded,
 * so each key is still yielded once. A get() whose stream later fails is not retried here: the caller
 * sees the error and may ask again with a range.
 */
export class RetryingStore implements BlobStore {
  readonly features: StoreFeatures;
  readonly location: string;
  readonly pendingUploads?: () => AsyncIterable<PendingUpload>;
  readonly abortUpload?: (upload: PendingUpload) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly inner: BlobStore,
    private readonly opts: RetryOptions & { clock?: Clock; random?: RandomSource } = {},
  ) {
    this.features = { ...inner.features };
    this.location = inner.location;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
    this.baseDelayMs = opts.baseDelayMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    const { pendingUploads, abortUpload } = inner;
    if (pendingUploads) this.pendingUploads = () => this.retryIterable('pendingUploads', '', () => pendingUploads.call(inner), (u) => `${u.key}\0${u.uploadId}`);
    if (abortUpload) this.abortUpload = (u) => this.retry('abortUpload', u.key, undefined, () => abortUpload.call(inner, u));
  }

  put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    return this.retry('put', key, opts?.signal, () => this.inner.put(key, body, opts));
  }

  get(key: string, opts?: GetOptions): Promise<Readable> {
    return this.retry('get', key, opts?.signal, () => this.inner.get(key, opts));
  }

  head(key: string): Promise<BlobInfo | null> {
    return this.retry('head', key, undefined, () => this.inner.head(key));
  }

  delete(key: string): Promise<void> {
    return this.retry('delete', key, undefined, () => this.inner.delete(key));
  }

  list(prefix: string): AsyncIterable<BlobInfo> {
    return this.retryIterable('list', prefix, () => this.inner.list(prefix), (b) => b.key);
  }

  private async retry<T>(op: string, key: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof TransientStoreError) || attempt >= this.maxAttempts) throw err;
        await this.backoff(op, key, attempt, err, signal);
      }
    }
  }

  private async *retryIterable<T>(op: string, key: string, open: () => AsyncIterable<T>, id: (t: T) => string): AsyncIterable<T> {
    const seen = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      try {
        for await (const item of open()) {
          const k = id(item);
          if (seen.has(k)) continue;
          seen.add(k);
          yield item;
        }
        return;
      } catch (err) {
        if (!(err instanceof TransientStoreError) || attempt >= this.maxAttempts) throw err;
        await this.backoff(op, key, attempt, err, undefined);
      }
    }
  }

  private async backoff(op: string, key: string, attempt: number, error: TransientStoreError, signal?: AbortSignal): Promise<void> {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    const r = (this.opts.random ?? systemRandom)(4);
    const frac = new DataView(r.buffer, r.byteOffset, 4).getUint32(0) / 2 ** 32;
    const delayMs = Math.round(cap * frac);
    this.opts.onRetry?.({ op, key, attempt, delayMs, error });
    await (this.opts.clock ?? systemClock).sleep(delayMs, signal);
  }
}
