// Creates the bench's buckets on the local S3 server (one per tool), with the settings RGW needs.
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';

/** One bucket per (case, tool) and run: `name` is lower-case letters, digits and dashes. */
export async function createBucket(dest, name) {
  const client = new S3Client({
    endpoint: dest.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: dest.accessKey, secretAccessKey: dest.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const bucket = `bench-${name}-${dest.runId}`.slice(0, 63);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}
