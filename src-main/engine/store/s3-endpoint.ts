import { MissingContainerError, UnsupportedError } from '../ports/store-errors.ts';
import type { SseMode } from './sse.ts';

// The checks an S3 destination must pass before any request, kept free of the AWS SDK so that opening a
// store stays cheap and a bad endpoint is refused at once (open-store.ts loads the SDK lazily).

export interface S3ConnectOptions {
  /** e.g. http://127.0.0.1:7480; default AWS_ENDPOINT_URL_S3, then AWS itself. */
  endpoint?: string;
  region?: string;
  /** Plain http to a host that is not loopback. Off by default: credentials are signed, not hidden, and data could be swapped in transit. */
  allowHttp?: boolean;
  /** Default: the SDK's credential chain (env, profile, SSO, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** A named profile of the shared AWS config and credentials files (as AWS_PROFILE would choose). */
  profile?: string;
  sse?: SseMode;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Resolves the endpoint and refuses plain http where it would expose data or SSE-C keys. */
export function resolveEndpoint(opts: S3ConnectOptions): URL | undefined {
  const raw = opts.endpoint ?? process.env.AWS_ENDPOINT_URL_S3;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsupportedError(`S3 endpoint is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UnsupportedError(`S3 endpoint must be http(s): ${raw}`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    if (opts.sse?.mode === 'c') {
      throw new UnsupportedError(`SSE-C sends the encryption key with every request: refusing plain http to ${url.host}; use https`);
    }
    if (!opts.allowHttp) {
      throw new UnsupportedError(`refusing plain http to ${url.host} (not loopback): use https, or set allowHttp if this network is trusted`);
    }
  }
  return url;
}

/** S3's bucket naming rules (the DNS-compatible subset every S3-compatible server accepts). */
export function checkBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new MissingContainerError(`invalid S3 bucket name ${JSON.stringify(bucket)}`);
  }
}
