import type { StatusErrorCode } from '../ports/vault-service.ts';
import {
  AccessDeniedError, MissingContainerError, NotFoundError, PreconditionFailedError, StoreError, TransientStoreError, UnsupportedError,
} from '../ports/store-errors.ts';

/**
 * What kind of error `err` is, for the status's errorCode (the UI's next step). A folder destination
 * that is gone, or is there but empty (the mount point of an unplugged disk), is "missing"; S3 that does
 * not answer is "unreachable"; refused credentials are "access denied".
 */
export function statusErrorCode(err: unknown, remote: string): StatusErrorCode {
  const folder = remote.startsWith('file://');
  if (err instanceof MissingContainerError) return folder ? 'destination-missing' : 'destination-unreachable';
  if (err instanceof NotFoundError && folder) return 'destination-missing';
  if (err instanceof AccessDeniedError) return 'access-denied';
  if (err instanceof TransientStoreError) return 'destination-unreachable';
  if (err instanceof StoreError) return folder ? 'destination-missing' : 'destination-unreachable';
  return 'sync-failed';
}

/**
 * True for a failure to open the vault that waiting can cure: the destination is away (no disk, no
 * network, a bucket that is not there yet) or refuses the credentials (they can be fixed outside the
 * app). A damaged settings file or a bad key is not cured by waiting and is reported as it is.
 */
export function isWorthRetrying(err: unknown): boolean {
  return err instanceof StoreError && !(err instanceof UnsupportedError) && !(err instanceof PreconditionFailedError);
}
