import { Transform, pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import type {
  BlobBody, BlobStore, ChangedBlob, ConditionalGetOptions, GetOptions, PutOptions, PutResult,
} from '../ports/blob-store.ts';
import { systemClock } from '../ports/clock.ts';
import type { Clock } from '../ports/clock.ts';
import { TokenBucket } from './token-bucket.ts';
import { ForwardingStore } from './forwarding-store.ts';

/**
 * A limit in KiB/s each way (uploads and downloads have their own bucket, as rclone's --bwlimit does),
 * 0 for none. Several stores may share one (a vault's key-slot and data stores), and set() changes it
 * while they run: a limited transfer asks for its bucket at every chunk, so it follows a new rate (or
 * its lifting) at once; one that started unlimited stays so, and the next transfer is limited.
 */
export class BandwidthLimit {
  private up: TokenBucket | null = null;
  private down: TokenBucket | null = null;
  private current = 0;

  constructor(kibps: number, private readonly clock: Clock = systemClock) {
    this.set(kibps);
  }

  get kibps(): number {
    return this.current;
  }

  set(kibps: number): void {
    if (!Number.isFinite(kibps) || kibps < 0) throw new RangeError(`a bandwidth limit is 0 (none) or a positive KiB/s, got ${kibps}`);
    this.current = kibps;
    if (kibps === 0) {
      this.up = this.down = null;
    } else if (this.up && this.down) {
      this.up.setRate(kibps * 1024);
      this.down.setRate(kibps * 1024);
    } else {
      this.up = new TokenBucket(kibps * 1024, this.clock);
      this.down = new TokenBucket(kibps * 1024, this.clock);
    }
  }

  upload(): TokenBucket | null {
    return this.up;
  }

  download(): TokenBucket | null {
    return this.down;
  }
}

/** Limits the bytes moved by put(), get() and getIfChanged() to a BandwidthLimit. Metadata calls pass through unthrottled. */
export class BandwidthLimitedStore extends ForwardingStore {
  private readonly limit: BandwidthLimit;

  constructor(inner: BlobStore, opts: { kibps: number; clock?: Clock } | BandwidthLimit) {
    super(inner);
    this.limit = opts instanceof BandwidthLimit ? opts : new BandwidthLimit(opts.kibps, opts.clock);
  }

  override put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    const limited: BlobBody = { size: body.size, open: (start) => throttle(body.open(start), () => this.limit.upload(), opts?.signal) };
    return this.inner.put(key, limited, opts);
  }

  override async get(key: string, opts?: GetOptions): Promise<Readable> {
    return throttle(await this.inner.get(key, opts), () => this.limit.download(), opts?.signal);
  }

  override async getIfChanged(key: string, etag: string, opts?: ConditionalGetOptions): Promise<ChangedBlob | null> {
    const changed = await this.inner.getIfChanged(key, etag, opts);
    return changed && { etag: changed.etag, body: throttle(changed.body, () => this.limit.download(), opts?.signal) };
  }
}

/** pipeline() forwards errors and early destruction both ways, so no file handle leaks. */
function throttle(src: Readable, bucket: () => TokenBucket | null, signal?: AbortSignal): Readable {
  // Unlimited when the transfer starts: no stage at all (a limit set meanwhile applies from the next one).
  if (!bucket()) return src;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const b = bucket();
      if (!b) return done(null, chunk);
      b.take(chunk.length, signal).then(() => done(null, chunk), done);
    },
  });
  return pipeline(src, t, () => undefined);
}
