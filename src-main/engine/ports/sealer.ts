import type { Readable } from 'node:stream';

/**
 * Sealer: streaming authenticated encryption of one object (AWS Encryption SDK message format,
 * committing suite, 1 MiB frames). See docs/FORMAT.md.
 *
 * Contract
 * - seal() returns a ciphertext stream; each call uses a fresh data key from the KeyProvider.
 * - open() yields plaintext only for a message that authenticates, carries a commitment, and whose
 *   encryption context equals the expected one exactly (so an object cannot be swapped for another).
 *   Frames are released as each verifies: a truncated message errors only at the end, so callers
 *   that write files must write to a temp file and rename after the stream ends cleanly.
 * - open() and openBytes() refuse bytes after the message's final frame (OpenError naming the object)
 *   before they reach the decrypter, and open() stops reading its input there.
 * - Errors from open() are OpenError (bad data) or KeyUnavailableError (no key can unwrap).
 */
export interface Sealer {
  seal(plaintext: Readable, ctx: ObjectContext): Readable;
  open(ciphertext: Readable, ctx: ObjectContext): Readable;
  sealBytes(plaintext: Uint8Array, ctx: ObjectContext): Promise<Uint8Array>;
  openBytes(ciphertext: Uint8Array, ctx: ObjectContext): Promise<Uint8Array>;
}

/** What an object is bound to. Never holds a plaintext name: KMS logs can show it. */
export interface ObjectContext {
  vaultId: string;
  objectId: string;
  kind: ObjectKind;
}

export type ObjectKind = 'data' | 'pack' | 'manifest' | 'root' | 'head' | 'keyslot' | 'device' | 'membership';

export class OpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpenError';
  }
}
