import { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, ChangedBlob, ConditionalGetOptions, GetOptions, PendingUpload, PutOptions, PutResult, StoreFeatures,
} from '../../src-main/engine/ports/blob-store.ts';
import { systemClock, systemRandom } from '../../src-main/engine/ports/clock.ts';
import type { Clock, RandomSource } from '../../src-main/engine/ports/clock.ts';
import { TransientStoreError } from '../../src-main/engine/ports/store-errors.ts';
import { readAll } from '../../src-main/engine/store/body.ts';

export type StoreOp = 'put' | 'get' | 'head' | 'getIfChanged' | 'list' | 'delete' | 'pendingUploads' | 'abortUpload';

/** One way to fail. A call fails when any rule matches it. */
export interface FaultRule {
  /** Operations this rule applies to; all when absent. */
  ops?: StoreOp[];
  /** Only keys starting with this. */
  keyPrefix?: string;
  /** Fail exactly the nth matching call (1-based). */
  nth?: number;
  /** Fail each matching call with this probability (0..1), drawn from the injected RandomSource. */
  fraction?: number;
  /** Stop after failing this many calls. */
  times?: number;
  /** The error to throw; default TransientStoreError. */
  error?: (op: StoreOp, key: string) => Error;
  /** put only: let the write land, then fail (a lost response: the caller cannot know it worked). */
  afterWrite?: boolean;
}

export interface FaultyOptions {
  rules?: FaultRule[];
  /** Added before every call. */
  latencyMs?: number;
  /** Damage get() results: keep only the first `truncateTo` bytes, or flip one bit at a random offset. */
  corruptGet?: { mode: 'truncate'; truncateTo: number } | { mode: 'bitflip' };
  random?: RandomSource;
  clock?: Clock;
}

/**
 * A store that fails, lags and corrupts on purpose (kopia's faulty storage): for retry, resume and
 * verify tests, and for the UI test that shows an S3 failure. Deterministic under an injected
 * RandomSource. `rules` is public so a running test can add or clear faults.
 */
export class FaultyStore implements BlobStore {
  readonly features: StoreFeatures;
  readonly location: string;
  readonly pendingUploads?: () => AsyncIterable<PendingUpload>;
  readonly abortUpload?: (upload: PendingUpload) => Promise<void>;
  rules: FaultRule[];
  /** Calls seen per operation, failed or not. */
  readonly calls: Record<StoreOp, number> = { put: 0, get: 0, head: 0, getIfChanged: 0, list: 0, delete: 0, pendingUploads: 0, abortUpload: 0 };
  /** Calls this store failed on purpose. */
  failures = 0;
  private readonly matched = new Map<FaultRule, { seen: number; failed: number }>();

  constructor(private readonly inner: BlobStore, private readonly opts: FaultyOptions = {}) {
    this.features = { ...inner.features };
    this.location = inner.location;
    this.rules = opts.rules ?? [];
    const { pendingUploads, abortUpload } = inner;
    if (pendingUploads) {
      this.pendingUploads = () => this.iterate('pendingUploads', '', () => pendingUploads.call(inner));
    }
    if (abortUpload) {
      this.abortUpload = async (u) => {
        await this.before('abortUpload', u.key);
        return abortUpload.call(inner, u);
      };
    }
  }

  /** Fails the next matching call once: the common case in tests. */
  failNext(op: StoreOp, error?: (op: StoreOp, key: string) => Error): void {
    this.rules.push({ ops: [op], nth: 1, times: 1, ...(error ? { error } : {}) });
  }

  async put(key: string, body: BlobBody, opts?: PutOptions): Promise<PutResult> {
    const late = await this.before('put', key, true);
    const res = await this.inner.put(key, body, opts);
    if (late) throw late;
    return res;
  }

  async get(key: string, opts?: GetOptions): Promise<Readable> {
    await this.before('get', key);
    const stream = await this.inner.get(key, opts);
    const damage = this.opts.corruptGet;
    if (!damage) return stream;
    const data = await readAll(stream);
    if (damage.mode === 'truncate') return Readable.from([data.subarray(0, damage.truncateTo)]);
    if (data.length > 0) {
      const bit = this.draw() * data.length * 8;
      const at = Math.floor(bit / 8);
      data[at] = data[at]! ^ (1 << Math.floor(bit % 8));
    }
    return Readable.from([data]);
  }

  async head(key: string): Promise<BlobInfo | null> {
    await this.before('head', key);
    return this.inner.head(key);
  }

  async getIfChanged(key: string, etag: string, opts?: ConditionalGetOptions): Promise<ChangedBlob | null> {
    await this.before('getIfChanged', key);
    return this.inner.getIfChanged(key, etag, opts);
  }

  list(prefix: string): AsyncIterable<BlobInfo> {
    return this.iterate('list', prefix, () => this.inner.list(prefix));
  }

  async delete(key: string): Promise<void> {
    await this.before('delete', key);
    return this.inner.delete(key);
  }

  private async *iterate<T>(op: StoreOp, key: string, open: () => AsyncIterable<T>): AsyncIterable<T> {
    await this.before(op, key);
    yield* open();
  }

  /** Throws the chosen error, or for an afterWrite put returns it to throw once the write landed. */
  private async before(op: StoreOp, key: string, canDefer = false): Promise<Error | null> {
    this.calls[op]++;
    if (this.opts.latencyMs) await (this.opts.clock ?? systemClock).sleep(this.opts.latencyMs);
    for (const rule of this.rules) {
      if (rule.ops && !rule.ops.includes(op)) continue;
      if (rule.keyPrefix !== undefined && !key.startsWith(rule.keyPrefix)) continue;
      const m = this.matched.get(rule) ?? { seen: 0, failed: 0 };
      this.matched.set(rule, m);
      m.seen++;
      if (rule.times !== undefined && m.failed >= rule.times) continue;
      const hit = rule.nth !== undefined ? m.seen === rule.nth : this.draw() < (rule.fraction ?? 1);
      if (!hit) continue;
      m.failed++;
      this.failures++;
      const err = rule.error ? rule.error(op, key) : new TransientStoreError(`injected fault: ${op} ${key}`);
      if (canDefer && rule.afterWrite) return err;
      throw err;
    }
    return null;
  }

  private draw(): number {
    const r = (this.opts.random ?? systemRandom)(4);
    return new DataView(r.buffer, r.byteOffset, 4).getUint32(0) / 2 ** 32;
  }
}
