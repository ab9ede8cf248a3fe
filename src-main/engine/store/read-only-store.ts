import type { BlobBody, BlobStore, PutOptions, PutResult } from '../ports/blob-store.ts';
import { UnsupportedError } from '../ports/store-errors.ts';
import { ForwardingStore } from './forwarding-store.ts';

/** Refuses every write, for verify, restore and dry runs: a bug there cannot touch the remote. */
export class ReadOnlyStore extends ForwardingStore {
  constructor(inner: BlobStore) {
    super(inner);
    if (inner.abortUpload) this.abortUpload = async (u) => this.refuse('abort the upload of', u.key);
  }

  override async put(key: string, _body: BlobBody, _opts?: PutOptions): Promise<PutResult> {
    return this.refuse('write', key);
  }

  override async delete(key: string): Promise<void> {
    return this.refuse('delete', key);
  }

  private refuse(what: string, key: string): never {
    throw new UnsupportedError(`${this.location} is open read-only: refusing to ${what} ${key}`);
  }
}
