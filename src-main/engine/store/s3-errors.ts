import {
  AccessDeniedError, MissingContainerError, NotFoundError, PreconditionFailedError, SseKeyError, StoreError,
  TransientStoreError,
} from '../ports/store-errors.ts';

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

const TRANSIENT_NAMES = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'RequestTimeoutException',
  'InternalError', 'ServiceUnavailable', 'TimeoutError', 'RequestTimeTooSkewed', 'ConditionalRequestConflict',
]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE',
]);
const STATUS_NAMES: Record<number, string> = {
  400: 'BadRequest', 403: 'AccessDenied', 404: 'NotFound', 408: 'RequestTimeout', 409: 'Conflict', 412: 'PreconditionFailed',
  429: 'TooManyRequests', 500: 'InternalError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout',
};
const DENIED_NAMES = new Set([
  'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken',
  'CredentialsProviderError', 'AllAccessDisabled', 'AccountProblem',
]);

/**
 * Maps an SDK, HTTP or socket error to a store error, so nothing above the store sees SDK types.
 * `readsData` marks GET/HEAD of an object, where a 400 means an SSE-C key problem.
 * An abort by the caller's signal is passed through unchanged.
 */
export function mapS3Error(err: unknown, what: string, readsData = false): Error {
  if (err instanceof StoreError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  // A HEAD answer has no body, so the SDK cannot name the error ("Unknown", "UnknownError"): name it
  // from the status, so it reads, and maps, like the same answer to any other request.
  const bodiless = (e.name === 'Unknown' || e.name === 'UnknownError') && status !== undefined;
  const name = bodiless ? (STATUS_NAMES[status] ?? e.name ?? '') : (e.name ?? '');
  const detail = bodiless && (!e.message || /^Unknown(Error)?$/.test(e.message)) ? '' : e.message;
  const code = e.code ?? '';
  const msg = `${what}: ${name || code || 'error'}${status ? ` (HTTP ${status})` : ''}${detail && detail !== name ? `: ${detail}` : ''}`;
  const opts = { cause: err };
  if (name === 'AbortError' || code === 'ABORT_ERR') return err as Error;
  if (name === 'NoSuchBucket') return new MissingContainerError(msg, opts);
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return new NotFoundError(msg, opts);
  if (name === 'PreconditionFailed' || status === 412) return new PreconditionFailedError(msg, opts);
  if (DENIED_NAMES.has(name) || status === 403) return new AccessDeniedError(msg, opts);
  // A 400 on GET/HEAD of an object is the SSE-C key missing or wrong (a HEAD answer has no body to say so).
  if (readsData && status === 400 && (/customer|encryption|MD5 hash of the key/i.test(e.message ?? '') || !e.message || name === 'BadRequest')) {
    return new SseKeyError(`${msg} (the object is encrypted with a customer key, SSE-C: the key is missing or wrong)`, opts);
  }
  if (TRANSIENT_NAMES.has(name) || TRANSIENT_CODES.has(code) || TRANSIENT_CODES.has(name)) return new TransientStoreError(msg, opts);
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return new TransientStoreError(msg, opts);
  if (status === 409 && name === 'OperationAborted') return new TransientStoreError(msg, opts);
  // No status at all: the request never got an answer (socket closed, DNS, timeout).
  if (status === undefined && /socket hang up|timeout|timed out|network|ECONN/i.test(e.message ?? '')) {
    return new TransientStoreError(msg, opts);
  }
  return new StoreError(msg, opts);
}

/**
 * ETags travel without quotes: Ceph RGW 16 compares If-Match against the bare value (a quoted one
 * never matches), and AWS accepts either form.
 */
export function bareEtag(etag: string): string {
  return etag.replace(/^(W\/)?"(.*)"$/, '$2');
}
