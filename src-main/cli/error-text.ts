import { AccessDeniedError, MissingContainerError } from '../engine/ports/store-errors.ts';

/** One line a person can act on. Store and key errors already carry plain messages; add the next step. */
export function describeError(err: unknown): string {
  const e = err as Error;
  if (e instanceof AccessDeniedError) return `${e.message} (check the credentials: AWS_PROFILE / AWS_ACCESS_KEY_ID)`;
  if (e instanceof MissingContainerError) return `${e.message} (create the bucket first, or check its name)`;
  const msg = (e?.message ?? String(err)).split('\n')[0]!;
  return msg;
}
