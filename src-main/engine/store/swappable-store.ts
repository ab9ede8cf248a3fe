import type { BlobStore } from '../ports/blob-store.ts';
import { ForwardingStore } from './forwarding-store.ts';

/**
 * A store whose inner store can be replaced by another over the same destination (the same objects),
 * e.g. with new request options such as an SSE mode. Each call goes to the store current when it
 * starts; a call under way finishes on the store it started on.
 */
export class SwappableStore extends ForwardingStore {
  /** The replacement must be over the same destination with the same features. */
  swap(next: BlobStore): void {
    if (next.location !== this.location) throw new Error(`cannot swap ${this.location} for ${next.location}`);
    this.inner = next;
  }
}
