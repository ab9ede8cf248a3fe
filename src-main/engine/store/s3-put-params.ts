import type { PutOptions } from '../ports/blob-store.ts';
import { UnsupportedError } from '../ports/store-errors.ts';

/** S3's storage classes (PutObject x-amz-storage-class), as the API names them. */
export const S3_STORAGE_CLASSES = [
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER',
  'DEEP_ARCHIVE', 'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE',
] as const;
export type S3StorageClass = (typeof S3_STORAGE_CLASSES)[number];

export function checkStorageClass(value: string): S3StorageClass {
  if (!(S3_STORAGE_CLASSES as readonly string[]).includes(value)) {
    throw new UnsupportedError(`unknown S3 storage class ${JSON.stringify(value)}; use one of ${S3_STORAGE_CLASSES.join(', ')}`);
  }
  return value as S3StorageClass;
}

/**
 * The headers a put's options add: on PutObject the checksum, storage class and Object Lock retention;
 * on CreateMultipartUpload only the last two (a multipart object has no whole-object SHA-256).
 */
export function putParams(opts: PutOptions): { put: Record<string, unknown>; create: Record<string, unknown> } {
  const create: Record<string, unknown> = {};
  if (opts.storageClass !== undefined) create.StorageClass = checkStorageClass(opts.storageClass);
  if (opts.objectLock) {
    create.ObjectLockMode = opts.objectLock.mode;
    create.ObjectLockRetainUntilDate = opts.objectLock.retainUntil;
  }
  return { create, put: { ...create, ...(opts.checksumSha256 !== undefined ? { ChecksumSHA256: opts.checksumSha256 } : {}) } };
}
