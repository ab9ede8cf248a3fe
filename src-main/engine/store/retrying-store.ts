import { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, ChangedBlob, ConditionalGetOptions, GetOptions, PendingUpload, PutOptions, PutResult, StoreFeatures, UploadCheckpointStore,
} from '../ports/blob-store.ts';
import { systemClock, systemRandom } from '../ports/clock.ts';
import type { Clock, RandomSource } from '../ports/clock.ts';
import { NotFoundError, PreconditionFailedError, TransientStoreError } from '../ports/store-errors.ts';

export interface RetryOptions {
  /** Tries per call (per part of a multipart upload), the first included. Default 6. */
  maxAttempts?: number;
  /**
   * Wall time a call may spend retrying without progress, measured on the injected clock: a failed
   * try is retried only while the time before it (earlier tries, backoff) plus the next backoff fits.
   * The failing try's own length is not counted, so one slow try (a 64 MiB PUT at low bandwidth) is
   * still retried. A multipart part or a resumed download that makes progress starts it again.
   * Default 5 min.
   */
  budgetMs?: number;
  /** Backoff before the second try; doubles each time up to maxDelayMs. Default 250 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Told of every retry, e.g. for a status line ("S3 slow, retrying"). */
  onRetry?: (info: { op: string; key: string; attempt: number; delayMs: number; error: TransientStoreError }) => void;
}

/**
 * Retries TransientStoreError (and nothing else) with exponential backoff and full jitter, within a try
 * count and a time budget; when they run out the error says so ("gave up after N attempts over T s:
 * <last error>") and stays a TransientStoreError. put() hands the same re-openable body to each try, so
 * every try reads it from the start, or, for a multipart upload with a checkpoint, resumes it: each saved
 * part counts as progress and starts the count and the budget again, so retries are per part, not per
 * upload. A get() whose body fails midway is resumed with a range from the last byte delivered, of the
 * same version only (ifMatch): a key rewritten meanwhile is read again from the start, or, once bytes
 * were delivered, fails with a TransientStoreError, so two versions are never joined.
 * list() restarts after a failure and skips keys already yielded, so each key is still yielded once.
 */
export class RetryingStore implements BlobStore {
  readonly features: StoreFeatures;
  readonly location: string;
  readonly pendingUploads?: () => AsyncIterable<PendingUpload>;
  readonly abortUpload?: (upload: PendingUpload) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly budgetMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly inner: BlobStore,
    private readonly opts: RetryOptions & { clock?: Clock; random?: RandomSource } = {},
  ) {
    this.features = { ...inner.features };
    this.location = inner.location;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 6);
    this.budgetMs = opts.budgetMs ?? 300_000;
    this.baseDelayMs = opts.baseDelayMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.clock = opts.clock ?? systemClock;
    const { pendingUploads, abortUpload } = inner;
    if (pendingUploads) this.pendingUploads = () => this.retryIterable('pendingUploads', '', () => pendingUploads.call(inner), (u) => `${u.key}\0${u.uploadId}`);
    if (abortUpload) this.abortUpload = (u) => this.retry('abortUpload', u.key, undefined, () => abortUpload.call(inner, u));
  }

  put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    const tries = this.tries('put', key, opts?.signal);
    const checkpoint = opts?.checkpoint;
    if (!checkpoint) return tries.run(() => this.inner.put(key, body, opts));
    // Every part saved is progress: the next failure gets a fresh count and budget.
    const watched: UploadCheckpointStore = {
      load: () => checkpoint.load(),
      clear: () => checkpoint.clear(),
      save: async (cp) => {
        await checkpoint.save(cp);
        if (cp.parts.length > 0) tries.progressed();
      },
    };
    return tries.run(() => this.inner.put(key, body, { ...opts, checkpoint: watched }));
  }

  async get(key: string, opts: GetOptions = {}): Promise<Readable> {
    const seen: { etag?: string } = {};
    const first = await this.retry('get', key, opts.signal, () => this.inner.get(key, watchEtag(opts, seen)));
    return this.resuming(key, opts, first, seen);
  }

  head(key: string): Promise<BlobInfo | null> {
    return this.retry('head', key, undefined, () => this.inner.head(key));
  }

  /** Retried like get(); a body that fails midway resumes with a ranged get of the version served. */
  async getIfChanged(key: string, etag: string, opts: ConditionalGetOptions = {}): Promise<ChangedBlob | null> {
    const changed = await this.retry('getIfChanged', key, opts.signal, () => this.inner.getIfChanged(key, etag, opts));
    if (!changed) return null;
    return { etag: changed.etag, body: this.resuming(key, { signal: opts.signal }, changed.body, { etag: changed.etag }) };
  }

  delete(key: string): Promise<void> {
    return this.retry('delete', key, undefined, () => this.inner.delete(key));
  }

  list(prefix: string): AsyncIterable<BlobInfo> {
    return this.retryIterable('list', prefix, () => this.inner.list(prefix), (b) => b.key);
  }

  private retry<T>(op: string, key: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    return this.tries(op, key, signal).run(fn);
  }

  /**
   * A body that, when it fails midway, continues from the next byte with a ranged get of the same
   * version (ifMatch its etag). Should the key have been rewritten meanwhile (the head, a key slot, an
   * object stored again by keys rewrap), it starts over if nothing was delivered yet, and otherwise
   * fails with a TransientStoreError so the caller reads it all again: two versions are never joined.
   */
  private resuming(key: string, opts: GetOptions, first: Readable, seen: { etag?: string }): Readable {
    // Until the consumer reads, nobody listens: an early failure must not become an uncaught 'error'.
    first.on('error', () => undefined);
    const tries = this.tries('get', key, opts.signal);
    tries.began(); // reading the first body is the first try
    const inner = this.inner;
    const from = opts.range?.start ?? 0;
    let end = opts.range?.end;
    let pos = from;
    const changed = (err: unknown) => new TransientStoreError(`${key} was replaced while being read; read it again`, { cause: err });
    async function* body(): AsyncGenerator<Buffer> {
      let stream = first;
      try {
        for (;;) {
          try {
            for await (const c of stream as AsyncIterable<Buffer>) {
              pos += c.length;
              tries.progressed();
              yield c;
            }
            return;
          } catch (err) {
            stream.destroy();
            await tries.failed(err);
            const etag = seen.etag;
            if (pos === from) {
              // Nothing delivered: any version will do, so start over from scratch.
              stream = await tries.run(() => inner.get(key, watchEtag(opts, seen)));
              stream.on('error', () => undefined);
              continue;
            }
            if (etag === undefined) throw changed(err); // no way to tell the version: never splice
            if (end === undefined) {
              const info = await tries.run(() => inner.head(key));
              if (!info) throw new NotFoundError(`${key} disappeared while being read`, { cause: err });
              if (info.etag !== undefined && info.etag !== etag) throw changed(err);
              end = info.size - 1;
            }
            if (pos > end) return;
            const range = { start: pos, end };
            try {
              stream = await tries.run(() => inner.get(key, { ...opts, range, ifMatch: etag, onEtag: undefined }));
            } catch (e) {
              if (e instanceof PreconditionFailedError) throw changed(e);
              throw e;
            }
            stream.on('error', () => undefined);
          }
        }
      } finally {
        stream.destroy();
      }
    }
    return Readable.from(body(), { objectMode: false });
  }

  private async *retryIterable<T>(op: string, key: string, open: () => AsyncIterable<T>, id: (t: T) => string): AsyncIterable<T> {
    const seen = new Set<string>();
    const tries = this.tries(op, key, undefined);
    for (;;) {
      try {
        for await (const item of open()) {
          const k = id(item);
          if (seen.has(k)) continue;
          seen.add(k);
          yield item;
        }
        return;
      } catch (err) {
        await tries.failed(err);
      }
    }
  }

  /** The try count and budget of one call; progressed() starts both again. */
  private tries(op: string, key: string, signal: AbortSignal | undefined) {
    let attempt = 1;
    let since = this.clock.now();
    // When the try now failing began: the budget counts the time before it (earlier tries, backoff),
    // not its own length, so one slow try (a 64 MiB PUT at low bandwidth) still gets its retries.
    let started: number | undefined;
    const failed = async (err: unknown): Promise<void> => {
      if (!(err instanceof TransientStoreError)) throw err;
      const now = this.clock.now();
      const spent = now - since;
      const budgetSpent = (started ?? now) - since;
      started = undefined;
      const delayMs = this.delay(attempt);
      if (attempt >= this.maxAttempts || budgetSpent + delayMs > this.budgetMs) {
        const secs = Math.round((spent / 1000) * 10) / 10;
        throw new TransientStoreError(`gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} over ${secs} s: ${err.message}`, { cause: err });
      }
      this.opts.onRetry?.({ op, key, attempt, delayMs, error: err });
      attempt++;
      await this.clock.sleep(delayMs, signal);
    };
    return {
      failed,
      progressed: () => {
        attempt = 1;
        since = this.clock.now();
        started = since; // progress is made by a running try, whose rest is not counted either
      },
      /** A try begins now (a request, or a resumed body). */
      began: () => {
        started = this.clock.now();
      },
      run: async <T>(fn: () => Promise<T>): Promise<T> => {
        for (;;) {
          try {
            started = this.clock.now();
            return await fn();
          } catch (err) {
            await failed(err);
          }
        }
      },
    };
  }

  private delay(attempt: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    const r = (this.opts.random ?? systemRandom)(4);
    const frac = new DataView(r.buffer, r.byteOffset, 4).getUint32(0) / 2 ** 32;
    return Math.round(cap * frac);
  }
}

/** The get options with onEtag also recording the version served (the caller's onEtag still told). */
function watchEtag(opts: GetOptions, seen: { etag?: string }): GetOptions {
  return {
    ...opts,
    onEtag: (etag) => {
      seen.etag = etag;
      opts.onEtag?.(etag);
    },
  };
}
