import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { resolveEndpoint, type S3ConnectOptions } from './s3-endpoint.ts';

export { isLoopbackHost, resolveEndpoint, type S3ConnectOptions } from './s3-endpoint.ts';

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
  else if (opts.profile) config.profile = opts.profile;
  return new S3Client(config);
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
