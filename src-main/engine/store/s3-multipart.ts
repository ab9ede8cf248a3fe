import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BlobBody, PutOptions, UploadCheckpoint } from '../ports/blob-store.ts';
import { readRange } from './body.ts';
import { bareEtag, mapS3Error } from './s3-errors.ts';
import { PreconditionFailedError } from '../ports/store-errors.ts';
import type { SseReadParams, SseWriteParams } from './sse.ts';

const MAX_PARTS = 10_000;
const MiB = 1024 * 1024;

export interface MultipartContext {
  client: S3Client;
  bucket: string;
  /** Full object key, prefix included. */
  objectKey: string;
  /** Key as the caller named it, for messages. */
  key: string;
  partSize: number;
  sseWrite: SseWriteParams;
  sseRead: SseReadParams;
  /** More headers for CreateMultipartUpload: storage class, Object Lock (s3-put-params.ts). */
  createParams?: Record<string, unknown>;
  /** Throws PreconditionFailedError when the put's condition does not hold now. */
  precheck(opts: PutOptions): Promise<void>;
  /** The completed object's ETag. */
  etagOf(): Promise<string>;
}

/** Grows the part size (in whole MiB) until the body fits in S3's 10,000 parts. */
export function choosePartSize(size: number, wanted: number): number {
  if (Math.ceil(size / wanted) <= MAX_PARTS) return wanted;
  return Math.ceil(size / MAX_PARTS / MiB) * MiB;
}

/**
 * Uploads a body in parts. With a checkpoint it resumes: the saved upload is confirmed with ListParts
 * (the server is the truth: a part saved locally but lost remotely is sent again), only missing parts
 * are read from body.open(offset) and sent, the checkpoint is saved after every part and cleared once
 * the object is complete. Without a checkpoint a failed upload is aborted so it leaves no garbage.
 */
export async function putMultipart(ctx: MultipartContext, body: BlobBody, opts: PutOptions): Promise<string> {
  const { client, bucket, objectKey: Key, key } = ctx;
  const signal = opts.signal;
  const send = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw mapS3Error(err, `${what} ${key}`);
    }
  };

  // Servers that ignore conditions on CompleteMultipartUpload (Ceph RGW 16) still get a check here
  // and just before completion; AWS enforces the headers sent with Complete atomically.
  await ctx.precheck(opts);
  let cp = opts.checkpoint ? await resume(ctx, await opts.checkpoint.load(), body.size) : null;
  if (!cp) {
    const created = await send('CreateMultipartUpload', () =>
      client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ...ctx.sseWrite, ...ctx.createParams }), { abortSignal: signal }));
    cp = { uploadId: created.UploadId!, partSize: choosePartSize(body.size, ctx.partSize), parts: [] };
    await opts.checkpoint?.save(cp);
  }
  const { uploadId: UploadId, partSize } = cp;
  const count = Math.max(1, Math.ceil(body.size / partSize));
  try {
    const done = new Set(cp.parts.map((p) => p.partNumber));
    for (let n = 1; n <= count; n++) {
      if (done.has(n)) continue;
      signal?.throwIfAborted();
      const start = (n - 1) * partSize;
      const data = await readRange(body, start, Math.min(partSize, body.size - start));
      const res = await send(`UploadPart ${n}/${count} of`, () =>
        client.send(new UploadPartCommand({
          Bucket: bucket, Key, UploadId, PartNumber: n, Body: data, ContentLength: data.length, ...ctx.sseRead,
        }), { abortSignal: signal }));
      cp = { ...cp, parts: [...cp.parts, { partNumber: n, etag: res.ETag! }] };
      await opts.checkpoint?.save(cp);
    }
    await ctx.precheck(opts);
    const parts = [...cp.parts].sort((a, b) => a.partNumber - b.partNumber).map((p) => ({ PartNumber: p.partNumber, ETag: p.etag }));
    await send('CompleteMultipartUpload', () =>
      client.send(new CompleteMultipartUploadCommand({
        Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: parts }, ...ctx.sseRead,
        ...(opts.ifNoneMatch ? { IfNoneMatch: opts.ifNoneMatch } : {}),
        ...(opts.ifMatch ? { IfMatch: bareEtag(opts.ifMatch) } : {}),
      }), { abortSignal: signal }));
    await opts.checkpoint?.clear();
    // Some servers (Ceph RGW) answer Complete with an empty ETag: ask for the real one.
    return await ctx.etagOf();
  } catch (err) {
    if (!opts.checkpoint || err instanceof PreconditionFailedError) {
      await opts.checkpoint?.clear();
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId })).catch(() => undefined);
    }
    throw err;
  }
}

/** Confirms a saved upload against the server; null when it is gone or does not fit this body. */
async function resume(ctx: MultipartContext, saved: UploadCheckpoint | null, size: number): Promise<UploadCheckpoint | null> {
  if (!saved) return null;
  if (Math.ceil(size / saved.partSize) > MAX_PARTS) {
    // Not usable for this body: abort it now rather than leave its parts to the daily sweep.
    await ctx.client.send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: ctx.objectKey, UploadId: saved.uploadId })).catch(() => undefined);
    return null;
  }
  const remote = new Map<number, { etag: string; size: number }>();
  let marker: string | undefined;
  try {
    do {
      const page = await ctx.client.send(new ListPartsCommand({
        Bucket: ctx.bucket, Key: ctx.objectKey, UploadId: saved.uploadId, PartNumberMarker: marker,
      }));
      for (const p of page.Parts ?? []) remote.set(p.PartNumber!, { etag: p.ETag!, size: p.Size! });
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (err) {
    const e = mapS3Error(err, `ListParts ${ctx.key}`);
    if ((err as { name?: string }).name === 'NoSuchUpload' || e.name === 'NotFoundError') return null;
    throw e;
  }
  const expected = (n: number) => Math.min(saved.partSize, size - (n - 1) * saved.partSize);
  const parts = saved.parts.filter((p) => {
    const r = remote.get(p.partNumber);
    return r !== undefined && r.etag === p.etag && r.size === expected(p.partNumber);
  });
  return { ...saved, parts };
}
