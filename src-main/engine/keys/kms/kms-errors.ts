import { KeyUnavailableError } from '../../ports/key-provider.ts';

/** Why KMS refused; the UI and CLI can branch on this without parsing messages. */
export type KmsProblem =
  | 'disabled'
  | 'pending-deletion'
  | 'access-denied'
  | 'not-found'
  | 'throttled'
  | 'unreachable'
  | 'no-credentials'
  | 'invalid-request';

/**
 * The KMS key cannot be used for this call. Named KeyUnavailableError (the port's class) so the Sealer
 * passes it through unchanged; `problem` says which case it is.
 */
export class KmsKeyError extends KeyUnavailableError {
  constructor(readonly problem: KmsProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** KMS refused a ciphertext blob or its encryption context: the object is damaged or not this one. */
export class KmsCiphertextError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KmsCiphertextError';
  }
}

export function errorName(err: unknown): string {
  const e = err as { name?: string; Code?: string; __type?: string } | null;
  return String(e?.name ?? e?.Code ?? '');
}

export function isThrottle(err: unknown): boolean {
  const n = errorName(err);
  return n === 'ThrottlingException' || n === 'TooManyRequestsException' || n === 'RequestLimitExceeded';
}

/**
 * Turns an SDK error into a sentence for the person at the keyboard. `key` is the reference as typed
 * (never key material), `op` the KMS action that failed.
 */
export function mapKmsError(err: unknown, key: string, op: string): Error {
  if (err instanceof KmsKeyError || err instanceof KmsCiphertextError) return err;
  const name = errorName(err);
  const detail = (err as Error | null)?.message ?? String(err);
  const o = { cause: err };
  switch (name) {
    case 'DisabledException':
      return new KmsKeyError('disabled', `the KMS key ${key} is disabled: enable it in AWS KMS to use it again`, o);
    case 'KMSInvalidStateException':
      return new KmsKeyError('pending-deletion',
        `the KMS key ${key} is pending deletion or otherwise unusable (${detail}): cancel the deletion and enable the key to use it again`, o);
    case 'AccessDeniedException':
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
      return new KmsKeyError('access-denied',
        `access to the KMS key ${key} was denied for kms:${op}: check the key policy and the IAM policy of these credentials ` +
          `(a key in another account must grant this account; a write-only device cannot decrypt)`, o);
    case 'NotFoundException':
      return new KmsKeyError('not-found',
        `the KMS key ${key} was not found: check the key id or alias and the region (a key id is only valid in its own region and account)`, o);
    case 'InvalidCiphertextException':
    case 'IncorrectKeyException':
      return new KmsCiphertextError(
        `KMS refused to unwrap a data key under ${key}: the wrapped key or its encryption context does not match (damaged or swapped object)`, o);
    case 'ValidationException':
    case 'InvalidArnException':
    case 'LimitExceededException':
      return new KmsKeyError('invalid-request', `KMS rejected kms:${op} on ${key}: ${detail}`, o);
    case 'CredentialsProviderError':
      return new KmsKeyError('no-credentials',
        'no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on a host with a role', o);
    default:
      if (isThrottle(err)) {
        return new KmsKeyError('throttled', `AWS KMS kept throttling kms:${op} on ${key}; try again in a minute`, o);
      }
      if (/region is missing/i.test(detail)) {
        return new KmsKeyError('invalid-request', `no AWS region is set for ${key}: set AWS_REGION or use the key's full ARN`, o);
      }
      if (isNetworkError(err)) {
        return new KmsKeyError('unreachable', `cannot reach AWS KMS for ${key}: ${detail}`, o);
      }
      return new KmsKeyError('invalid-request', `kms:${op} on ${key} failed: ${name ? name + ': ' : ''}${detail}`, o);
  }
}

function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code) ||
    errorName(err) === 'TimeoutError';
}
