import {
  AbortMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand,
  ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, PutObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, ChangedBlob, ConditionalGetOptions, GetOptions, PendingUpload, PutOptions, PutResult, StoreFeatures,
} from '../ports/blob-store.ts';
import { MissingContainerError, NotFoundError, PreconditionFailedError, StoreError } from '../ports/store-errors.ts';
import { assertValidKey, assertValidRange, normalizePrefix } from './keys.ts';
import { checkBucketName } from './s3-endpoint.ts';
import { makeS3Client } from './s3-client.ts';
import type { S3ConnectOptions } from './s3-client.ts';
import { bareEtag, mapS3Error } from './s3-errors.ts';
import { choosePartSize, putMultipart } from './s3-multipart.ts';
import { mappedBody } from './s3-body.ts';
import { digestingTap, multipartEtag } from './body-digest.ts';
import { putParams } from './s3-put-params.ts';
import { checkSse, sseReadParams, sseWriteParams } from './sse.ts';
import type { SseReadParams, SseWriteParams } from './sse.ts';

const MiB = 1024 * 1024;

export interface S3StoreOptions extends S3ConnectOptions {
  bucket: string;
  prefix?: string;
  /** Bodies above this go multipart. Default 64 MiB. */
  multipartThreshold?: number;
  /** Default 16 MiB; grown so a body needs at most 10,000 parts. S3 needs at least 5 MiB. */
  partSize?: number;
  /** Keys per ListObjectsV2 page (S3 caps it at 1000). Tests lower it to cross pages cheaply. */
  listPageSize?: number;
}

/** Amazon S3 or an S3-compatible server (Ceph RGW, MinIO...). Conditional writes use If-None-Match / If-Match. */
export class S3Store implements BlobStore {
  readonly features: StoreFeatures = { conditionalWrite: true, multipart: true };
  readonly location: string;
  /** The SDK client, exposed so tests can add middleware (e.g. count UploadPart calls). */
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly threshold: number;
  private readonly partSize: number;
  private readonly listPageSize: number | undefined;
  private readonly sseWrite: SseWriteParams;
  private readonly sseRead: SseReadParams;
  private bucketSeen = false;

  constructor(opts: S3StoreOptions) {
    checkBucketName(opts.bucket);
    const sse = opts.sse ?? { mode: 'none' };
    checkSse(sse);
    this.client = makeS3Client(opts);
    this.bucket = opts.bucket;
    this.prefix = normalizePrefix(opts.prefix);
    this.location = `s3://${this.bucket}/${this.prefix}`;
    this.threshold = opts.multipartThreshold ?? 64 * MiB;
    this.partSize = opts.partSize ?? 16 * MiB;
    this.listPageSize = opts.listPageSize;
    this.sseWrite = sseWriteParams(sse);
    this.sseRead = sseReadParams(sse);
  }

  async put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const Key = this.prefix + key;
    const extra = putParams(opts);
    if (body.size > this.threshold) {
      // S3 keeps no whole-object SHA-256 for a multipart object (only a composite of part checksums,
      // which Ceph RGW 16 lacks too), so none is sent: the etag, MD5 of the part MD5s, stands in for it.
      const etag = await putMultipart({
        client: this.client, bucket: this.bucket, objectKey: Key, key, partSize: this.partSize,
        sseWrite: this.sseWrite, sseRead: this.sseRead, createParams: extra.create,
        precheck: (o) => this.precheck(key, o),
        etagOf: async () => (await this.head(key))?.etag ?? '',
      }, body, opts);
      // Ceph RGW 16 ignores the lock headers of CreateMultipartUpload; setting the retention again is
      // harmless where they were honoured (the same date).
      if (opts.objectLock) {
        await this.call(`PutObjectRetention ${key}`, () => this.client.send(new PutObjectRetentionCommand({
          Bucket: this.bucket, Key, Retention: { Mode: opts.objectLock!.mode, RetainUntilDate: opts.objectLock!.retainUntil },
        })));
      }
      // Only worth a second read of the body when the caller keeps a record to compare with later.
      const md5Etag = opts.checksumSha256 !== undefined && etag === await multipartEtag(body, choosePartSize(body.size, this.partSize));
      return { etag, md5Etag };
    }
    // Destroyed in every case, so a refused request does not leave a spool file open.
    const stream = body.open(0);
    const tap = digestingTap(body.size, key, opts.checksumSha256);
    // A body refused by the tap never ends, so the request is aborted rather than left waiting for it.
    const refused = new AbortController();
    let tapError: unknown;
    const sent = pipeline(stream, tap, (err) => {
      if (err) {
        tapError = err;
        refused.abort();
      }
    });
    const signal = opts.signal ? AbortSignal.any([opts.signal, refused.signal]) : refused.signal;
    const res = await this.call(`PutObject ${key}`, () => this.client.send(new PutObjectCommand({
      Bucket: this.bucket, Key, Body: sent, ContentLength: body.size, ...this.sseWrite, ...extra.put,
      ...(opts.ifNoneMatch ? { IfNoneMatch: opts.ifNoneMatch } : {}),
      ...(opts.ifMatch ? { IfMatch: bareEtag(opts.ifMatch) } : {}),
    }), { abortSignal: signal })).catch((err: unknown) => {
      throw tapError instanceof StoreError ? tapError : err;
    }).finally(() => {
      stream.destroy();
      tap.destroy();
    });
    const etag = bareEtag(res.ETag ?? '');
    return { etag, md5Etag: etag === tap.md5() };
  }

  async get(key: string, opts: GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    assertValidRange(opts.range);
    const range = opts.range ? `bytes=${opts.range.start}-${opts.range.end}` : undefined;
    const res = await this.call(`GetObject ${key}`, () => this.client.send(new GetObjectCommand({
      Bucket: this.bucket, Key: this.prefix + key, Range: range, ...this.sseRead,
      ...(opts.ifMatch !== undefined ? { IfMatch: bareEtag(opts.ifMatch) } : {}),
    }), { abortSignal: opts.signal }), true);
    opts.onEtag?.(bareEtag(res.ETag ?? ''));
    return mappedBody(res.Body as Readable, res.ContentLength, `GetObject ${key} in ${this.location} (reading)`);
  }

  /**
   * One GET with If-None-Match. The SDK turns S3's 304 Not Modified into an error (named NotModified,
   * or only its status on some servers): that answer is "unchanged", null, never a failure.
   */
  async getIfChanged(key: string, etag: string, opts: ConditionalGetOptions = {}): Promise<ChangedBlob | null> {
    assertValidKey(key);
    let res;
    try {
      res = await this.client.send(new GetObjectCommand({
        Bucket: this.bucket, Key: this.prefix + key, IfNoneMatch: quotedEtag(etag), ...this.sseRead,
      }), { abortSignal: opts.signal });
    } catch (err) {
      if (notModified(err)) return null;
      throw mapS3Error(err, `GetObject ${key} (if changed) in ${this.location}`, true);
    }
    return {
      etag: bareEtag(res.ETag ?? ''),
      body: mappedBody(res.Body as Readable, res.ContentLength, `GetObject ${key} in ${this.location} (reading)`),
    };
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    try {
      const res = await this.call(`HeadObject ${key}`, () => this.client.send(new HeadObjectCommand({
        Bucket: this.bucket, Key: this.prefix + key, ChecksumMode: 'ENABLED', ...this.sseRead,
      })), true);
      this.bucketSeen = true;
      // A composite checksum ("…-N", of a multipart object's parts) is not the whole object's: left out.
      const sum = res.ChecksumSHA256 && !res.ChecksumSHA256.includes('-') ? { checksumSha256: res.ChecksumSHA256 } : {};
      return { key, size: res.ContentLength ?? 0, etag: bareEtag(res.ETag ?? ''), lastModified: res.LastModified, ...sum };
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      // A HEAD 404 has no body, so a missing bucket looks like a missing key: tell them apart once.
      await this.requireBucket();
      return null;
    }
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    let token: string | undefined;
    do {
      const page = await this.call(`ListObjectsV2 ${this.prefix}${prefix}`, () => this.client.send(new ListObjectsV2Command({
        Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken: token, MaxKeys: this.listPageSize,
      })));
      for (const o of page.Contents ?? []) {
        yield { key: o.Key!.slice(this.prefix.length), size: o.Size ?? 0, etag: bareEtag(o.ETag ?? ''), lastModified: o.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.call(`DeleteObject ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key })));
  }

  async *pendingUploads(): AsyncIterable<PendingUpload> {
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    do {
      const page = await this.call('ListMultipartUploads', () => this.client.send(new ListMultipartUploadsCommand({
        Bucket: this.bucket, Prefix: this.prefix, KeyMarker: keyMarker, UploadIdMarker: idMarker,
      })));
      for (const u of page.Uploads ?? []) {
        yield { key: u.Key!.slice(this.prefix.length), uploadId: u.UploadId!, initiated: u.Initiated };
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      idMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
  }

  async abortUpload(upload: PendingUpload): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.prefix + upload.key, UploadId: upload.uploadId }));
    } catch (err) {
      // Already completed or aborted: the goal (no pending upload) holds.
      if ((err as { name?: string }).name === 'NoSuchUpload') return;
      throw mapS3Error(err, `AbortMultipartUpload ${upload.key}`);
    }
  }

  private async precheck(key: string, opts: PutOptions): Promise<void> {
    if (!opts.ifNoneMatch && !opts.ifMatch) return;
    const cur = await this.head(key);
    if (opts.ifNoneMatch === '*' && cur) throw new PreconditionFailedError(`${key} already exists in ${this.location}`);
    if (opts.ifMatch && cur?.etag !== bareEtag(opts.ifMatch)) {
      throw new PreconditionFailedError(`${key} in ${this.location} is not at version ${opts.ifMatch}`);
    }
  }

  private async requireBucket(): Promise<void> {
    if (this.bucketSeen) return;
    await this.call(`HeadBucket ${this.bucket}`, () => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })))
      .catch((err: unknown) => {
        if (err instanceof NotFoundError) throw new MissingContainerError(`bucket ${this.bucket} does not exist`, { cause: err });
        throw err;
      });
    this.bucketSeen = true;
  }

  private async call<T>(what: string, fn: () => Promise<T>, readsData = false): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapS3Error(err, `${what} in ${this.location}`, readsData);
    }
  }
}

/** S3's answer to a GET whose If-None-Match still matches: 304, which the SDK raises as an error. */
function notModified(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode === 304 || e?.name === 'NotModified';
}

/** If-None-Match takes the entity tag in quotes (RFC 9110); our etags travel bare (s3-errors.ts). */
function quotedEtag(etag: string): string {
  return `"${bareEtag(etag)}"`;
}
