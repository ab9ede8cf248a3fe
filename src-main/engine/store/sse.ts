import { createHash } from 'node:crypto';
import { UnsupportedError } from '../ports/store-errors.ts';

/** Server-side encryption, on top of Coffer's own client-side encryption (defence in depth). */
export type SseMode =
  | { mode: 'none' }
  | { mode: 'aes256' }
  | { mode: 'aws:kms'; keyId?: string }
  /** SSE-C: the server encrypts with this 32-byte key and keeps only its hash; every read must send it. */
  | { mode: 'c'; key: Uint8Array };

/** Headers that create an object (PutObject, CreateMultipartUpload). */
export interface SseWriteParams {
  ServerSideEncryption?: 'AES256' | 'aws:kms';
  SSEKMSKeyId?: string;
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/** Headers that reach an SSE-C object's data (GET, HEAD, UploadPart, Complete). */
export type SseReadParams = Pick<SseWriteParams, 'SSECustomerAlgorithm' | 'SSECustomerKey' | 'SSECustomerKeyMD5'>;

export function checkSse(sse: SseMode): void {
  if (sse.mode === 'c' && sse.key.length !== 32) {
    throw new UnsupportedError(`SSE-C needs a 32-byte key, got ${sse.key.length} bytes`);
  }
  if (!['none', 'aes256', 'aws:kms', 'c'].includes(sse.mode)) {
    throw new UnsupportedError(`unknown server-side encryption mode ${JSON.stringify((sse as { mode: unknown }).mode)}`);
  }
}

export function sseReadParams(sse: SseMode): SseReadParams {
  if (sse.mode !== 'c') return {};
  const key = Buffer.from(sse.key);
  return {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: key.toString('base64'),
    SSECustomerKeyMD5: createHash('md5').update(key).digest('base64'),
  };
}

export function sseWriteParams(sse: SseMode): SseWriteParams {
  switch (sse.mode) {
    case 'none':
      return {};
    case 'aes256':
      return { ServerSideEncryption: 'AES256' };
    case 'aws:kms':
      return { ServerSideEncryption: 'aws:kms', ...(sse.keyId ? { SSEKMSKeyId: sse.keyId } : {}) };
    case 'c':
      return sseReadParams(sse);
  }
}
