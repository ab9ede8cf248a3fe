import { createCipheriv, createHash } from 'node:crypto';

/**
 * `size` pseudo-random bytes that are the same on every run for the same seed (AES-256-CTR of zeros under
 * SHA-256 of the seed). Tests whose bounds depend on where content-defined cuts fall use these instead of
 * randomBytes, so a bound that holds once holds on every machine.
 */
export function seededBytes(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}
