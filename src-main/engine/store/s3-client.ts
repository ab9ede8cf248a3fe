import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { UnsupportedError } from '../ports/store-errors.ts';
import type { SseMode } from './sse.ts';

export interface S3ConnectOptions {
  /** e.g. http://127.0.0.1:7480; default AWS_ENDPOINT_URL_S3, then AWS itself. */
  endpoint?: string;
  region?: string;
  /** Plain http to a host that is not loopback. Off by default: credentials are signed, not hidden, and data could be swapped in transit. */
  allowHttp?: boolean;
  /** Default: the SDK's credential chain (env, profile, SSO, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
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

export function makeS3Client(opts: S3ConnectOptions): S3Client {
  const endpoint = resolveEndpoint(opts);
  const config: S3ClientConfig = {
    region: opts.region ?? process.env.AWS_REGION ?? 'us-east-1',
    // S3-compatible servers rarely do virtual-host buckets on a bare IP.
    forcePathStyle: endpoint !== undefined,
    // The default streams PutObject as aws-chunked with trailing checksums, which RGW and s3rver reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // RetryingStore owns retries; the SDK retrying inside it would multiply the attempts.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    // Errors reach the caller as store errors; the SDK's own console warnings would only add noise.
    logger: quietLogger,
  };
  if (endpoint) config.endpoint = endpoint.toString().replace(/\/$/, '');
  if (opts.credentials) config.credentials = opts.credentials;
  return new S3Client(config);
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
