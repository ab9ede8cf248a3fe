import { Readable } from 'node:stream';
import type { BlobBody, BlobInfo, BlobStore, ChangedBlob, PutResult } from '../../../src-main/engine/ports/blob-store.ts';
import { NotFoundError } from '../../../src-main/engine/ports/store-errors.ts';

/** A small in-memory BlobStore for key tests (the store helper owns the real ones). */
export class MemoryStore implements BlobStore {
  readonly location = 'memory://keys-test';
  readonly features = { conditionalWrite: false, multipart: false };
  readonly objects = new Map<string, Buffer>();
  private etag = 0;

  async put(key: string, body: BlobBody): Promise<PutResult> {
    const chunks: Buffer[] = [];
    for await (const c of body.open(0)) chunks.push(Buffer.from(c as Uint8Array));
    this.objects.set(key, Buffer.concat(chunks));
    return { etag: String(++this.etag) };
  }

  async get(key: string): Promise<Readable> {
    const b = this.objects.get(key);
    if (!b) throw new NotFoundError(`${key} not found`);
    return Readable.from([b]);
  }

  async head(key: string): Promise<BlobInfo | null> {
    const b = this.objects.get(key);
    return b ? { key, size: b.length } : null;
  }

  /** Keys tests never poll, and this store keeps no etags: every version is served as changed. */
  async getIfChanged(key: string): Promise<ChangedBlob | null> {
    return { body: await this.get(key), etag: '' };
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    for (const [key, b] of this.objects) if (key.startsWith(prefix)) yield { key, size: b.length };
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}
