// The content reader over stores that fail or were tampered with: a failed pack fetch is never kept,
// and an object with bytes appended is refused at the end of its message, having read little past it.
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { createHash, randomBytes } from 'node:crypto';
import { fixedKeyProvider } from '../support/fixed-key.ts';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { ContentReader } from '../../src-main/engine/read/content-reader.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { FaultyStore } from '../support/faulty-store.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { objectKey } from '../../src-main/engine/objects/object-keys.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { TransientStoreError } from '../../src-main/engine/ports/store-errors.ts';
import type { ObjectContext } from '../../src-main/engine/ports/sealer.ts';

const vaultId = '0123456789abcdef0123456789abcdef';
const objectId = 'fedcba9876543210fedcba9876543210';
const provider = () => fixedKeyProvider(9, vaultId);
const sealer = new EsdkSealer(provider());
const MiB = 1024 * 1024;
const ctx = (kind: ObjectContext['kind'] = 'data'): ObjectContext => ({ vaultId, objectId, kind });
const fileEntry = (path: string, data: Buffer, kind: 'data' | 'pack', offset = 0): FileEntry => ({
  path, type: 'file', size: data.length, mode: 0o644, mtimeMs: 0, device: 'd', seq: 1,
  hash: createHash('sha256').update(data).digest('hex'), chunks: [{ object: objectId, kind, offset, length: data.length }],
});

describe('a pack whose fetch failed', () => {
  it('is fetched again for the next file in it, not served from a cached failure', async () => {
    const mem = new MemoryStore();
    const a = Buffer.from('first file');
    const b = Buffer.from('second file');
    await mem.put(objectKey(objectId), bufferBody(await sealer.sealBytes(Buffer.concat([a, b]), ctx('pack'))));
    const faulty = new FaultyStore(mem);
    faulty.failNext('get');
    const reader = new ContentReader({ store: faulty, sealer, vaultId });
    await expect(readAll(reader.fileContent(fileEntry('a', a, 'pack')))).rejects.toBeInstanceOf(TransientStoreError);
    expect((await readAll(reader.fileContent(fileEntry('b', b, 'pack', a.length)))).equals(b)).toBe(true);
    expect(faulty.calls.get).toBe(2);
  });
});

describe('a restore of an object with 64 MiB appended', () => {
  /** A store that streams in 64 KiB pieces and counts what was pulled from it. */
  function streaming(inner: BlobStore) {
    const pulled = { bytes: 0 };
    const store: BlobStore = Object.assign(Object.create(inner) as BlobStore, {
      get: async (key: string) => {
        const data = await readAll(await inner.get(key));
        return Readable.from((function* () {
          for (let i = 0; i < data.length; i += 64 * 1024) {
            pulled.bytes += Math.min(64 * 1024, data.length - i);
            yield data.subarray(i, i + 64 * 1024);
          }
        })());
      },
    });
    return { store, pulled };
  }

  it.each(['data', 'pack'] as const)('fails at once on a %s object, with a plain error, having read little past its end', async (kind) => {
    const mem = new MemoryStore();
    const plain = randomBytes(2 * MiB + 3);
    const sealed = Buffer.from(await sealer.sealBytes(plain, ctx(kind)));
    await mem.put(objectKey(objectId), bufferBody(Buffer.concat([sealed, Buffer.alloc(64 * MiB)])));
    const { store, pulled } = streaming(mem);
    const reader = new ContentReader({ store, sealer, vaultId });
    await expect(readAll(reader.fileContent(fileEntry('f.bin', plain, kind)))).rejects.toThrow(new RegExp(`object ${objectId} has bytes after the end of its encrypted message`));
    expect(pulled.bytes).toBeLessThan(sealed.length + 4 * MiB);
  });
});
