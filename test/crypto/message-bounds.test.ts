import { describe, expect, it } from 'vitest';
import { fixedKeyProvider } from '../support/fixed-key.ts';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { MessageBounds } from '../../src-main/engine/crypto/message-bounds.ts';
import { OpenError, type ObjectContext } from '../../src-main/engine/ports/sealer.ts';
import { randomBytes } from 'node:crypto';

const vaultId = '0123456789abcdef0123456789abcdef';
const objectId = 'fedcba9876543210fedcba9876543210';
const provider = () => fixedKeyProvider(9, vaultId);
const sealer = new EsdkSealer(provider());
const MiB = 1024 * 1024;
const ctx = (kind: ObjectContext['kind'] = 'data'): ObjectContext => ({ vaultId, objectId, kind });

/** Feeds a buffer in pieces of `step` bytes. */
function walk(message: Buffer, step: number): MessageBounds {
  const b = new MessageBounds(objectId);
  for (let i = 0; i < message.length; i += step) b.push(message.subarray(i, i + step));
  return b;
}

describe('MessageBounds', () => {
  it('finds the exact end of every message, however the bytes are split', async () => {
    for (const n of [0, 1, 1000, MiB - 1, MiB, MiB + 1, 2 * MiB + 5]) {
      const sealed = Buffer.from(await sealer.sealBytes(randomBytes(n), ctx()));
      for (const step of [1, 7, 4096, sealed.length]) {
        if (step === 1 && n > 1000) continue;
        expect(walk(sealed, step).end, `plaintext ${n}, pieces of ${step}`).toBe(sealed.length);
      }
    }
  });

  it('refuses a byte after the final frame, naming the object', async () => {
    const sealed = Buffer.from(await sealer.sealBytes(randomBytes(3000), ctx()));
    expect(() => walk(Buffer.concat([sealed, Buffer.from([0])]), 1024)).toThrow(OpenError);
    expect(() => walk(Buffer.concat([sealed, Buffer.from([0])]), 1024)).toThrow(new RegExp(`object ${objectId} has bytes after the end`));
    await expect(sealer.openBytes(Buffer.concat([sealed, Buffer.from('x')]), ctx('pack'))).rejects.toThrow(/bytes after the end/);
  });
});
