import { describe, expect, it } from 'vitest';
import { bareEtag, mapS3Error } from '../../src-main/engine/store/s3-errors.ts';
import {
  AccessDeniedError, MissingContainerError, NotFoundError, PreconditionFailedError, SseKeyError, StoreError,
  TransientStoreError,
} from '../../src-main/engine/ports/store-errors.ts';

/** The shape the SDK gives service errors: a name plus HTTP metadata. */
const sdk = (name: string, status?: number, message = '') =>
  Object.assign(new Error(message), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });
const sock = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('mapS3Error', () => {
  it.each([
    [sdk('NoSuchKey', 404), NotFoundError],
    [sdk('NotFound', 404), NotFoundError],
    [sdk('NoSuchBucket', 404), MissingContainerError],
    [sdk('PreconditionFailed', 412), PreconditionFailedError],
    [sdk('AccessDenied', 403), AccessDeniedError],
    [sdk('InvalidAccessKeyId', 403), AccessDeniedError],
    [sdk('SignatureDoesNotMatch', 403), AccessDeniedError],
    [sdk('Unknown', 403), AccessDeniedError],
    [sdk('InternalError', 500), TransientStoreError],
    [sdk('ServiceUnavailable', 503), TransientStoreError],
    [sdk('SlowDown', 503), TransientStoreError],
    [sdk('TooManyRequests', 429), TransientStoreError],
    [sdk('RequestTimeout', 400), TransientStoreError],
    [sdk('TimeoutError'), TransientStoreError],
    [sock('ECONNRESET'), TransientStoreError],
    [sock('ECONNREFUSED'), TransientStoreError],
    [sock('ETIMEDOUT'), TransientStoreError],
    [sdk('MalformedXML', 400), StoreError],
  ])('%s -> %o', (err, cls) => {
    const mapped = mapS3Error(err, 'PutObject k');
    expect(mapped).toBeInstanceOf(cls);
    expect(mapped.message).toMatch(/^PutObject k: /);
    expect((mapped as Error & { cause?: unknown }).cause).toBe(err);
  });

  it('a bodiless answer (HEAD) the SDK calls "Unknown" is named and mapped by its status', () => {
    const head503 = mapS3Error(sdk('Unknown', 503, 'UnknownError'), 'HeadObject k');
    expect(head503).toBeInstanceOf(TransientStoreError);
    expect(head503.message).toBe('HeadObject k: ServiceUnavailable (HTTP 503)');
    expect(mapS3Error(sdk('Unknown', 500, 'UnknownError'), 'HeadObject k').message).toBe('HeadObject k: InternalError (HTTP 500)');
    expect(mapS3Error(sdk('Unknown', 429), 'HeadObject k')).toBeInstanceOf(TransientStoreError);
    expect(mapS3Error(sdk('Unknown', 404), 'HeadObject k')).toBeInstanceOf(NotFoundError);
  });

  it('a 400 reading an object is an SSE-C key problem; elsewhere it is not', () => {
    const err = sdk('InvalidArgument', 400, 'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.');
    expect(mapS3Error(err, 'GetObject k', true)).toBeInstanceOf(SseKeyError);
    expect(mapS3Error(sdk('Unknown', 400), 'HeadObject k', true)).toBeInstanceOf(SseKeyError);
    expect(mapS3Error(err, 'PutObject k')).not.toBeInstanceOf(AccessDeniedError);
  });

  it('passes an abort and an existing store error through unchanged', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(mapS3Error(abort, 'x')).toBe(abort);
    const own = new NotFoundError('mine');
    expect(mapS3Error(own, 'x')).toBe(own);
  });
});

describe('bareEtag', () => {
  it('strips quotes and a weak marker, and leaves bare etags alone', () => {
    expect(bareEtag('"abc"')).toBe('abc');
    expect(bareEtag('W/"abc-3"')).toBe('abc-3');
    expect(bareEtag('abc')).toBe('abc');
  });
});
