import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { BlobBody } from '../ports/blob-store.ts';
import { StoreError } from '../ports/store-errors.ts';
import { readRange } from './body.ts';

/** SHA-256 (base64, as S3's x-amz-checksum-sha256 carries it) and MD5 (hex, as an ETag) of a body. */
export async function digestBody(body: BlobBody): Promise<{ sha256: string; md5: string }> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  for await (const c of body.open(0) as AsyncIterable<Buffer>) {
    sha.update(c);
    md5.update(c);
  }
  return { sha256: sha.digest('base64'), md5: md5.digest('hex') };
}

/**
 * A pass-through that hashes what flows and, with `expectSha256`, refuses to release the body's last
 * bytes when the whole does not match: the receiver never sees a complete body, so nothing is stored.
 * `md5()` is the hex MD5 of everything passed, once the stream has ended.
 */
export function digestingTap(size: number, key: string, expectSha256?: string): Transform & { md5(): string } {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let seen = 0;
  let md5Hex = '';
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sha.update(chunk);
      md5.update(chunk);
      seen += chunk.length;
      if (seen >= size && expectSha256 !== undefined) {
        const got = sha.digest('base64');
        if (got !== expectSha256) {
          done(new StoreError(`refusing to store ${key}: its bytes have SHA-256 ${got}, the caller expected ${expectSha256}`));
          return;
        }
      }
      done(null, chunk);
    },
  }) as Transform & { md5(): string };
  t.md5 = () => (md5Hex ||= md5.digest('hex'));
  return t;
}

/**
 * The ETag S3 gives a multipart object when each part's ETag is its MD5 (no SSE-KMS, no SSE-C): the MD5
 * of the parts' binary MD5s, then "-" and the part count. Reads the body once more.
 */
export async function multipartEtag(body: BlobBody, partSize: number): Promise<string> {
  const count = Math.max(1, Math.ceil(body.size / partSize));
  const outer = createHash('md5');
  for (let n = 0; n < count; n++) {
    const start = n * partSize;
    outer.update(createHash('md5').update(await readRange(body, start, Math.min(partSize, body.size - start))).digest());
  }
  return `${outer.digest('hex')}-${count}`;
}

/** SHA-256 of a whole buffer, or of byte strings back to back as one body (a chunk pack's messages), base64. */
export function sha256Base64(data: Uint8Array | readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const part of data instanceof Uint8Array ? [data] : data) h.update(part);
  return h.digest('base64');
}
