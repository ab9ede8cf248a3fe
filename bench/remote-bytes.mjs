// Bytes a pass uploaded, measured from the remote the same way for every tool: a listing before and
// after (a folder's files by size and mtime, a bucket's keys by ETag), and the sum of the sizes of the
// objects that are new or changed. Deleted objects do not count; an object rewritten in place counts whole.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';

/** @param where {{ kind: 'local', dir: string } | { kind: 's3', bucket: string, endpoint: string, accessKey: string, secretKey: string }} */
export async function listRemote(where) {
  return where.kind === 'local' ? listFolder(where.dir) : listBucket(where);
}

/** Bytes of objects in `after` that are not in `before`, or are there with another version. */
export function uploadedBytes(before, after) {
  let bytes = 0;
  let objects = 0;
  for (const [key, o] of after) {
    if (before.get(key)?.version === o.version) continue;
    bytes += o.size;
    objects++;
  }
  return { bytes, objects };
}

async function listFolder(dir) {
  const out = new Map();
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return out;
    throw err;
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    const abs = join(e.parentPath ?? e.path, e.name);
    const st = await stat(abs).catch(() => null);
    if (st) out.set(abs.slice(dir.length), { size: st.size, version: `${st.size}:${st.mtimeMs}:${st.ino}` });
  }
  return out;
}

async function listBucket({ bucket, endpoint, accessKey, secretKey }) {
  const client = new S3Client({
    endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const out = new Map();
  try {
    let token;
    do {
      const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const o of r.Contents ?? []) out.set(o.Key, { size: o.Size ?? 0, version: `${o.ETag}:${o.LastModified?.getTime()}` });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
  return out;
}
