import { finished, PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { StoreError, TransientStoreError } from '../ports/store-errors.ts';
import { mapS3Error } from './s3-errors.ts';

/**
 * A GET response body whose failures are store errors. Once the server answered 200, anything that
 * stops the body early (a reset socket, Node's raw Error('aborted'), a stall cut by the request timeout,
 * fewer bytes than Content-Length) is a network failure, so it becomes a TransientStoreError that
 * RetryingStore resumes with a range. The error is mapped before the output is destroyed: a pipeline
 * would destroy it first with the raw error, and the mapped one would never be seen.
 */
export function mappedBody(body: Readable, contentLength: number | undefined, what: string): Readable {
  const out = new PassThrough();
  let got = 0;
  body.on('data', (c: Buffer) => (got += c.length));
  body.pipe(out, { end: false });
  finished(body, (err) => {
    if (err) return void out.destroy(midBodyError(err, what));
    if (contentLength !== undefined && got !== contentLength) {
      return void out.destroy(new TransientStoreError(`${what}: the body ended after ${got} of ${contentLength} bytes`));
    }
    out.end();
  });
  // The reader gave up (or failed): release the socket.
  out.once('close', () => body.destroy());
  return out;
}

function midBodyError(err: unknown, what: string): Error {
  const mapped = mapS3Error(err, what);
  if ((mapped as { name?: string }).name === 'AbortError') return mapped;
  // A plain StoreError here is an unrecognised socket failure, not a refusal by the server.
  return Object.getPrototypeOf(mapped) === StoreError.prototype ? new TransientStoreError(mapped.message, { cause: err }) : mapped;
}
