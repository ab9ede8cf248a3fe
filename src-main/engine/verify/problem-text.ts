import { KeyUnavailableError } from '../ports/key-provider.ts';
import { NotFoundError, StoreError } from '../ports/store-errors.ts';
import { OpenError } from '../ports/sealer.ts';

/**
 * Plain words for what went wrong with one object, for a person deciding what to do: the raw texts of
 * the crypto layer ("Unsupported state or unable to authenticate data") and of S3 stay in `cause`.
 */
export function objectPhrase(err: unknown): string {
  if (err instanceof NotFoundError) return 'is missing from the bucket';
  if (err instanceof KeyUnavailableError) return `cannot be opened with this vault's key: ${(err as Error).message}`;
  const msg = (err as Error)?.message ?? String(err);
  if (err instanceof StoreError) return `could not be downloaded (${msg}); this says nothing about its integrity`;
  if (/encryption context mismatch|not the object the manifest names/.test(msg)) return 'is not the object the manifest names (swapped or moved in the bucket)';
  if (/holds \d+ bytes, the manifest says|shorter than the manifest|does not match the manifest/.test(msg)) return 'does not hold what the manifest says (wrong size or content)';
  if (err instanceof OpenError) return 'is damaged: it does not authenticate (changed or cut short in the bucket)';
  if (/unknown or invalid format/.test(msg)) return 'authenticates but has an unknown or invalid format (written by a newer Coffer?)';
  return `could not be checked (${msg})`;
}

/** A mismatch of one chunk's range, which says nothing about the object's other ranges. */
export function isRangeProblem(err: unknown): boolean {
  return /holds \d+ bytes, the manifest says|shorter than the manifest|does not match the manifest/.test((err as Error)?.message ?? '');
}
