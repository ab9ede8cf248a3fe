import type { BlobBody, BlobStore, PutOptions, PutResult } from '../ports/blob-store.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import { UnsupportedError } from '../ports/store-errors.ts';
import { OBJECTS_PREFIX } from '../objects/object-keys.ts';
import { checkStorageClass } from '../store/s3-put-params.ts';
import { parseStoreUrl } from '../store/open-store.ts';
import { ForwardingStore } from '../store/forwarding-store.ts';

const DAY = 86_400_000;

/** A vault's bucket settings (docs/BUCKET-PROTECTION.md). */
export interface BucketPolicy {
  /** S3 storage class of data objects (objects/*); the small, often rewritten head and key slots keep the bucket default. */
  storageClass?: string;
  /** Object Lock retention given to every object and version written, counted from the write. */
  objectLock?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number };
}

/** `--object-lock governance:<days>` or `compliance:<days>`. */
export function parseObjectLock(text: string): NonNullable<BucketPolicy['objectLock']> {
  const m = /^(governance|compliance):([0-9]{1,5})$/i.exec(text.trim());
  const days = m ? Number(m[2]) : 0;
  if (!m || days < 1 || days > 36_500) {
    throw new UnsupportedError(`--object-lock takes governance:<days> or compliance:<days> (1 to 36500 days), got ${JSON.stringify(text)}`);
  }
  return { mode: m[1]!.toUpperCase() as 'GOVERNANCE' | 'COMPLIANCE', days };
}

/** Refuses settings the destination cannot honour, before anything is written. */
export function checkBucketPolicy(remote: string, p: BucketPolicy): void {
  if (p.storageClass !== undefined) checkStorageClass(p.storageClass);
  if ((p.storageClass !== undefined || p.objectLock) && parseStoreUrl(remote).kind !== 's3') {
    throw new UnsupportedError(`storage classes and Object Lock are S3 features; ${remote} is a folder`);
  }
}

/**
 * Puts every write under the vault's bucket settings, so no caller has to remember them: the storage
 * class on data objects, and an Object Lock retention of `days` from now on every object, so stolen
 * credentials cannot delete or overwrite what was written in the last `days` days (S3 keeps each
 * overwritten version, locked). Everything else passes through.
 */
export class BucketPolicyStore extends ForwardingStore {
  constructor(inner: BlobStore, private readonly policy: BucketPolicy, private readonly clock: Clock = systemClock) {
    super(inner);
  }

  override put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<PutResult> {
    const { storageClass, objectLock } = this.policy;
    return this.inner.put(key, body, {
      ...opts,
      ...(storageClass !== undefined && key.startsWith(OBJECTS_PREFIX) ? { storageClass } : {}),
      ...(objectLock ? { objectLock: { mode: objectLock.mode, retainUntil: new Date(this.clock.now() + objectLock.days * DAY) } } : {}),
    });
  }

}

/** The store with the policy applied, or the store itself when the policy asks nothing. */
export function withBucketPolicy(store: BlobStore, p: BucketPolicy, clock?: Clock): BlobStore {
  return p.storageClass === undefined && !p.objectLock ? store : new BucketPolicyStore(store, p, clock);
}
