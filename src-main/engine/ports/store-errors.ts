/** Errors every BlobStore throws, so callers never inspect SDK- or OS-specific errors. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
/** The key does not exist. */
export class NotFoundError extends StoreError {}
/** An ifMatch / ifNoneMatch condition failed: another writer got there first. */
export class PreconditionFailedError extends StoreError {}
/** Credentials were refused or lack permission. Not retryable. */
export class AccessDeniedError extends StoreError {}
/** The bucket or folder itself does not exist. Not retryable. */
export class MissingContainerError extends StoreError {}
/** The store cannot do what was asked (e.g. a condition on a store without conditional writes). */
export class UnsupportedError extends StoreError {}
/** 5xx, 429/SlowDown, resets and timeouts: safe to retry. */
export class TransientStoreError extends StoreError {}
/**
 * The object is encrypted with a customer-provided key (SSE-C) that was not sent or does not match.
 * A kind of AccessDeniedError: not retryable, and the fix is configuration (the right key).
 */
export class SseKeyError extends AccessDeniedError {}
