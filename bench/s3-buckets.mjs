// Creates the bench's buckets on the local S3 server (one per tool), with the settings RGW needs.
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';

export async function createBucket(dest, tool) {
  const client = new S3Client({
    endpoint: dest.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: dest.accessKey, secretAccessKey: dest.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const bucket = `bench-${tool}-${dest.runId}`;
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}
