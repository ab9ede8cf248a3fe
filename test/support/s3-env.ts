// For tests that need a real S3 server (started by s3-server.ts). Mentioning this module in a test file
// is what makes a filtered run start the server.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type {} from './s3-server.ts'; // the inject() key types

export interface S3TestConfig {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The running server, or null when none is available (see s3SkipReason()). */
export function s3TestConfig(): S3TestConfig | null {
  const endpoint = inject('s3Endpoint');
  if (!endpoint) return null;
  return { endpoint, accessKeyId: inject('s3AccessKey'), secretAccessKey: inject('s3SecretKey') };
}

/** Why S3 tests skip in this run, for describe.skipIf(...) messages. */
export function s3SkipReason(): string {
  return inject('s3SkipReason') ?? 'no S3 server configured';
}

/** Creates a fresh bucket with a random name and returns the name. Nothing is shared between tests. */
export async function makeTestBucket(): Promise<string> {
  const cfg = s3TestConfig();
  if (!cfg) throw new Error(`no S3 server: ${s3SkipReason()}`);
  const client = new S3Client({
    endpoint: cfg.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
  });
  const bucket = `coffer-test-${randomBytes(6).toString('hex')}`;
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}
