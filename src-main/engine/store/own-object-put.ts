import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BlobBody, BlobStore, PutOptions, PutResult } from '../ports/blob-store.ts';
import { PreconditionFailedError } from '../ports/store-errors.ts';

/**
 * How a create-only put of an object id this device chose ended:
 * - 'stored': this call stored it;
 * - 'adopted': the key already held exactly these bytes (an earlier try was stored but its answer was
 *   lost, or a kill came between the server's 200 and the journal record), so it is kept as stored;
 * - 'taken': the key holds other bytes; the caller must store its object under a new id.
 */
export type OwnPutOutcome = 'stored' | 'adopted' | 'taken';

/** The outcome, and for 'stored' what the store answered (its etag, whether that is the bytes' MD5). */
export interface OwnPut {
  outcome: OwnPutOutcome;
  result?: PutResult;
}

/**
 * A create-only put whose conflict is resolved instead of reported (FORMAT.md §Write ordering): object
 * ids are random and chosen here, so a PreconditionFailed (HTTP 412, or "already exists" for a multipart
 * upload) nearly always means our own earlier try landed. The stored object is read back and compared
 * byte for byte with the body (the ciphertext this device sealed, so equal bytes are the intended object,
 * authenticated or not); only then is it adopted. A vault can never wedge on it.
 */
export async function putOwnObject(store: BlobStore, key: string, body: BlobBody, opts: PutOptions): Promise<OwnPutOutcome> {
  return (await putOwnObjectResult(store, key, body, opts)).outcome;
}

/** putOwnObject, keeping the store's answer when this call stored the object. */
export async function putOwnObjectResult(store: BlobStore, key: string, body: BlobBody, opts: PutOptions, again = true): Promise<OwnPut> {
  try {
    return { outcome: 'stored', result: await store.put(key, body, opts) };
  } catch (err) {
    if (!(err instanceof PreconditionFailedError) || opts.ifNoneMatch !== '*') throw err;
    const info = await store.head(key);
    // Gone again (a lifecycle rule, an operator): nothing is in the way now; try once more.
    if (!info) {
      if (again) return putOwnObjectResult(store, key, body, opts, false);
      throw err;
    }
    if (info.size !== body.size) return { outcome: 'taken' };
    if (body.size === 0) return { outcome: 'adopted' };
    const [mine, theirs] = await Promise.all([digest(body.open(0)), digest(await store.get(key, { range: { start: 0, end: body.size - 1 } }))]);
    return { outcome: mine === theirs ? 'adopted' : 'taken' };
  }
}

async function digest(stream: Readable): Promise<string> {
  const h = createHash('sha256');
  try {
    for await (const c of stream as AsyncIterable<Buffer>) h.update(c);
  } finally {
    stream.destroy();
  }
  return h.digest('hex');
}
