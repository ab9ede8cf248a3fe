// Creates the bench's buckets on the S3 server (one per case and tool), with the settings RGW needs, and
// removes them again when the server is not the bench's own (--s3-endpoint).
import { S3Client, CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';

const created = [];

function client(dest) {
  return new S3Client({
    endpoint: dest.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: dest.accessKey, secretAccessKey: dest.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** One bucket per (case, tool) and run: `name` is lower-case letters, digits and dashes. */
export async function createBucket(dest, name) {
  const c = client(dest);
  const bucket = `bench-${name}-${dest.runId}`.slice(0, 63);
  try {
    await c.send(new CreateBucketCommand({ Bucket: bucket }));
    created.push({ dest, bucket });
  } finally {
    c.destroy();
  }
  return bucket;
}

/** Empties and deletes every bucket this run created. */
export async function removeBuckets() {
  for (const { dest, bucket } of created.splice(0)) {
    const c = client(dest);
    try {
      for (;;) {
        const r = await c.send(new ListObjectsV2Command({ Bucket: bucket }));
        const keys = (r.Contents ?? []).map((o) => ({ Key: o.Key }));
        if (!keys.length) break;
        await c.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      }
      await c.send(new DeleteBucketCommand({ Bucket: bucket }));
    } catch (err) {
      console.log(`bench: could not remove bucket ${bucket}: ${err.message}`);
    } finally {
      c.destroy();
    }
  }
}
