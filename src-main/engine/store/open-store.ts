import { fileURLToPath } from 'node:url';
import type { BlobStore } from '../ports/blob-store.ts';
import type { Clock } from '../ports/clock.ts';
import { UnsupportedError } from '../ports/store-errors.ts';
import { BandwidthLimit, BandwidthLimitedStore } from './bandwidth-limited-store.ts';
import { FsStore } from './fs-store.ts';
import { RetryingStore } from './retrying-store.ts';
import type { RetryOptions } from './retrying-store.ts';
import type { S3StoreOptions } from './s3-store.ts';
import { checkSse, type SseMode } from './sse.ts';
import { checkBucketName, resolveEndpoint } from './s3-endpoint.ts';
import { normalizePrefix } from './keys.ts';
import { LazyStore } from './lazy-store.ts';

export interface OpenStoreOptions {
  /** S3-compatible endpoint; default AWS_ENDPOINT_URL_S3, then AWS. */
  endpoint?: string;
  allowHttp?: boolean;
  /** AWS shared-config profile for S3 credentials; default: the SDK's default chain. */
  profile?: string;
  /** S3 region; default AWS_REGION, then us-east-1 (s3-client.ts). */
  region?: string;
  /** S3 access keys given directly (the first-run wizard); they win over `profile`. */
  credentials?: S3StoreOptions['credentials'];
  sse?: SseMode;
  /** KiB/s each way; absent or 0: unlimited. Ignored when `bandwidth` is given. */
  bwlimitKiBps?: number;
  /** A limit shared with other stores and changeable while they run (vault/vault-stores.ts). */
  bandwidth?: BandwidthLimit;
  retry?: RetryOptions;
  /** S3 multipart sizes (S3StoreOptions); tests lower them so multipart paths run on small files. */
  multipart?: { threshold?: number; partSize?: number };
  clock?: Clock;
}

export type StoreLocation = { kind: 's3'; bucket: string; prefix: string } | { kind: 'file'; path: string };

/** Parses `s3://bucket[/prefix]` or `file:///abs/path`; anything else is an UnsupportedError. */
export function parseStoreUrl(url: string): StoreLocation {
  const s3 = /^s3:\/\/([^/?#]+)(?:\/([^?#]*))?$/.exec(url);
  if (s3) return { kind: 's3', bucket: s3[1]!, prefix: (s3[2] ?? '').replace(/\/+$/, '') };
  if (url.startsWith('file://')) {
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch (err) {
      throw new UnsupportedError(`not a local folder URL: ${url} (expected file:///absolute/path)`, { cause: err });
    }
    return { kind: 'file', path: path.replace(/\/+$/, '') || '/' };
  }
  throw new UnsupportedError(`unsupported destination ${JSON.stringify(url)}: use s3://bucket[/prefix] or file:///absolute/path`);
}

/**
 * Opens a destination with the standard wrappers: retry always (outermost, so each try is limited
 * and counted), bandwidth limit when set. A vault's stores are built over this by vault/vault-stores.ts. Credentials come from the SDK's default chain.
 */
export function openStore(url: string, opts: OpenStoreOptions = {}): BlobStore {
  const loc = parseStoreUrl(url);
  let store: BlobStore;
  if (loc.kind === 's3') {
    store = lazyS3Store({
      bucket: loc.bucket,
      prefix: loc.prefix,
      ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
      ...(opts.allowHttp !== undefined ? { allowHttp: opts.allowHttp } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      ...(opts.sse ? { sse: opts.sse } : {}),
      ...(opts.multipart?.threshold ? { multipartThreshold: opts.multipart.threshold } : {}),
      ...(opts.multipart?.partSize ? { partSize: opts.multipart.partSize } : {}),
    });
  } else {
    if (opts.sse && opts.sse.mode !== 'none') {
      throw new UnsupportedError(`server-side encryption (${opts.sse.mode}) applies to S3 only, not to ${url}`);
    }
    store = new FsStore(loc.path);
  }
  if (opts.bandwidth) {
    store = new BandwidthLimitedStore(store, opts.bandwidth);
  } else if (opts.bwlimitKiBps && opts.bwlimitKiBps > 0) {
    store = new BandwidthLimitedStore(store, { kibps: opts.bwlimitKiBps, ...(opts.clock ? { clock: opts.clock } : {}) });
  }
  return new RetryingStore(store, { ...opts.retry, ...(opts.clock ? { clock: opts.clock } : {}) });
}

/** An S3 store whose SDK loads on first use; every check that needs no request still happens now. */
function lazyS3Store(opts: S3StoreOptions): BlobStore {
  checkBucketName(opts.bucket);
  checkSse(opts.sse ?? { mode: 'none' });
  resolveEndpoint(opts);
  const location = `s3://${opts.bucket}/${normalizePrefix(opts.prefix)}`;
  return new LazyStore(location, { conditionalWrite: true, multipart: true }, async () => new (await import('./s3-store.ts')).S3Store(opts));
}
