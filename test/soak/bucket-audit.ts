// What a finished vault leaves in its bucket besides what it needs, read straight from S3.
import {
  AbortMultipartUploadCommand, DeleteBucketCommand, DeleteObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client,
} from '@aws-sdk/client-s3';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import type { VaultEnv } from '../../src-main/engine/vault/remote-vault.ts';
import { walkRoots } from '../../src-main/engine/manifest/reachable.ts';
import { objectIdFromKey, OBJECTS_PREFIX } from '../../src-main/engine/objects/object-keys.ts';

export interface S3Target {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function s3Client(t: S3Target): S3Client {
  return new S3Client({
    endpoint: t.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    // A busy shared server can leave a request unanswered: time it out and let the SDK retry it.
    requestHandler: { requestTimeout: 30_000, connectionTimeout: 5_000, throwOnRequestTimeout: true }, maxAttempts: 5,
  });
}

/** Multipart uploads started and never completed or aborted, anywhere in the bucket. */
export async function leftoverUploads(client: S3Client, bucket: string): Promise<number> {
  let n = 0, keyMarker: string | undefined, uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    n += page.Uploads?.length ?? 0;
    if (!page.IsTruncated) return n;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/** Object ids stored under `<prefix>/objects/`. */
async function storedObjects(client: S3Client, bucket: string, prefix: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/${OBJECTS_PREFIX}`, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const id = objectIdFromKey(o.Key!.slice(prefix.length + 1));
      if (id) ids.add(id);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return ids;
}

/**
 * Objects no retained root reaches. A killed pass leaves some (an object stored before the crash and
 * stored again under a new id by the resume); retention deletes them once past its grace period, so
 * they cost storage for a day, not data.
 */
export async function unreferencedObjects(env: VaultEnv, folder: string, client: S3Client, bucket: string, prefix: string): Promise<number> {
  const vault = await LocalVault.open(env, folder);
  try {
    const live = new Set<string>();
    const head = await vault.manifest.readHead();
    if (head) {
      for await (const r of walkRoots(vault.manifest, vault.manifest.roots(head.head.rootId))) {
        if (r.kind === 'entry') for (const c of r.entry.chunks ?? []) live.add(c.object);
        else live.add(r.id);
      }
    }
    let n = 0;
    for (const id of await storedObjects(client, bucket, prefix)) if (!live.has(id)) n++;
    return n;
  } finally {
    await vault.close();
  }
}

/** Empties and deletes a sweep bucket: the test server keeps everything in memory. */
export async function dropBucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const u of page.Uploads ?? []) await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
    if (!page.IsTruncated) break;
  }
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).map((o) => o.Key!);
    if (keys.length === 0) break;
    for (let i = 0; i < keys.length; i += 8) {
      await Promise.all(keys.slice(i, i + 8).map((Key) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key }))));
    }
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
