// The sealed-objects layer: a ref (kind + id) decides the key and the context; what is sealed under one
// ref opens under no other; create-only puts adopt their own lost tries and report someone else's object.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fixedKeyProvider, TEST_VAULT_ID } from '../support/fixed-key.ts';
import { s3SkipReason, s3TestConfig, makeTestBucket } from '../support/s3-env.ts';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { OpenError } from '../../src-main/engine/ports/sealer.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { FaultyStore } from '../support/faulty-store.ts';
import { RetryingStore } from '../../src-main/engine/store/retrying-store.ts';
import { openStore } from '../../src-main/engine/store/open-store.ts';
import { bufferBody, readAll } from '../../src-main/engine/store/body.ts';
import { SealedObjects } from '../../src-main/engine/objects/sealed-objects.ts';
import { HEAD, SSE_C, contextOf, keyOf, objectRef, type ObjectRef } from '../../src-main/engine/objects/object-ref.ts';
import { createSseCKey, loadSseCKey } from '../../src-main/engine/vault/sse-key.ts';
import { FakeClock, seededRandom } from '../support/fake-clock.ts';

const sealer = new EsdkSealer(fixedKeyProvider(7));
const id = () => randomBytes(16).toString('hex');
const randomRefs = (): ObjectRef[] => [objectRef('data', id()), objectRef('pack', id()), objectRef('manifest', id()), objectRef('root', id())];
const everyKind = (): ObjectRef[] => [...randomRefs(), HEAD, SSE_C];

describe('refs', () => {
  it('place each kind where FORMAT.md says and bind it to vault, id and kind', () => {
    const d = 'ab' + '0'.repeat(30);
    expect(keyOf(objectRef('data', d))).toBe(`objects/ab/${d}`);
    expect(keyOf(objectRef('root', d))).toBe(`objects/ab/${d}`);
    expect(keyOf(HEAD)).toBe('head');
    expect(keyOf(SSE_C)).toBe('keys/sse-c');
    expect(contextOf(TEST_VAULT_ID, objectRef('pack', d))).toEqual({ vaultId: TEST_VAULT_ID, objectId: d, kind: 'pack' });
    expect(contextOf(TEST_VAULT_ID, SSE_C)).toEqual({ vaultId: TEST_VAULT_ID, objectId: 'sse-c', kind: 'keyslot' });
  });

  it('refuse a head or key slot the vault does not have', () => {
    expect(() => keyOf({ kind: 'head', id: 'other' })).toThrow(/no head object named "other"/);
    expect(() => keyOf({ kind: 'keyslot', id: 'recovery' })).toThrow(/no sealed key slot named "recovery"/);
  });
});

const s3 = s3TestConfig();
async function s3Store(): Promise<BlobStore> {
  process.env.AWS_ACCESS_KEY_ID = s3!.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3!.secretAccessKey;
  process.env.AWS_REGION = 'us-east-1';
  return openStore(`s3://${await makeTestBucket()}/sealed`, { endpoint: s3!.endpoint });
}
const backends: { name: string; make: () => Promise<BlobStore>; skip: boolean }[] = [
  { name: 'memory', make: async () => new MemoryStore(), skip: false },
  { name: `Ceph RGW${s3 ? '' : ` (skipped: ${s3SkipReason()})`}`, make: s3Store, skip: !s3 },
];

describe.each(backends)('SealedObjects over $name', ({ make, skip }) => {
  it.skipIf(skip)('round-trips every kind, in bytes and as a stream, under its own key', async () => {
    const store = await make();
    const objects = new SealedObjects({ store, sealer, vaultId: TEST_VAULT_ID });
    for (const [i, ref] of everyKind().entries()) {
      const plain = randomBytes(1000 + 137 * i);
      expect((await objects.putNew(ref, bufferBody(await objects.sealBytes(ref, plain)))).outcome).toBe('stored');
      expect(await store.head(keyOf(ref))).not.toBeNull();
      expect(Buffer.from(await objects.fetchBytes(ref)).equals(plain)).toBe(true);
      expect((await readAll(await objects.fetch(ref))).equals(plain)).toBe(true);
    }
    // Streamed sealing (large files) opens the same way.
    const ref = objectRef('data', id());
    const big = randomBytes(3 * 1024 * 1024 + 5);
    const sealed = await readAll(objects.seal(ref, Readable.from([big])));
    await objects.putNew(ref, bufferBody(sealed));
    expect((await readAll(await objects.fetch(ref))).equals(big)).toBe(true);
  });

  it.skipIf(skip)('refuses an object opened under another kind, id or vault, naming the mismatch', async () => {
    const store = await make();
    const objects = new SealedObjects({ store, sealer, vaultId: TEST_VAULT_ID });
    const pack = objectRef('pack', id());
    await objects.putNew(pack, bufferBody(await objects.sealBytes(pack, Buffer.from('small files'))));
    const sealed = await objects.fetchSealed(pack);
    const mismatch = /is not the object the manifest names \(encryption context mismatch\)/;
    // The same bytes under another kind (a pack read as a data object), or copied to another id.
    await expect(objects.openBytes(objectRef('data', pack.id), sealed)).rejects.toThrow(OpenError);
    await expect(objects.openBytes(objectRef('data', pack.id), sealed)).rejects.toThrow(mismatch);
    const other = objectRef('pack', id());
    await store.put(keyOf(other), bufferBody(sealed));
    await expect(objects.fetchBytes(other)).rejects.toThrow(mismatch);
    await expect(readAll(await objects.fetch(other))).rejects.toThrow(mismatch);
    // Another vault's layer, same key provider: still refused.
    const elsewhere = new SealedObjects({ store, sealer, vaultId: 'f'.repeat(32) });
    await expect(elsewhere.fetchBytes(pack)).rejects.toThrow(mismatch);
  });

  it.skipIf(skip)('create-only: the same bytes again are adopted, other bytes are taken and left alone', async () => {
    const store = await make();
    const objects = new SealedObjects({ store, sealer, vaultId: TEST_VAULT_ID });
    for (const ref of randomRefs()) {
      const mine = await objects.sealBytes(ref, Buffer.from(`content of ${ref.kind}`));
      expect((await objects.putNew(ref, bufferBody(mine))).outcome).toBe('stored');
      expect((await objects.putNew(ref, bufferBody(mine))).outcome).toBe('adopted');
      const theirs = await objects.sealBytes(ref, Buffer.from(`content of ${ref.kind}`)); // fresh data key: other bytes
      expect((await objects.putNew(ref, bufferBody(theirs))).outcome).toBe('taken');
      expect((await objects.fetchSealed(ref)).equals(Buffer.from(mine))).toBe(true);
    }
  });
});

describe('SealedObjects over a store without conditional writes', () => {
  it('puts plainly: every put is "stored" (nothing can answer 412)', async () => {
    const inner = new MemoryStore();
    // Every store here can write create-only; this one claims it cannot (its methods are the inner store's).
    const plain: BlobStore = Object.assign(Object.create(inner) as BlobStore, { features: { ...inner.features, conditionalWrite: false } });
    const objects = new SealedObjects({ store: plain, sealer, vaultId: TEST_VAULT_ID });
    const ref = objectRef('root', id());
    const bytes = await objects.sealBytes(ref, Buffer.from('root'));
    expect((await objects.putNew(ref, bufferBody(bytes))).outcome).toBe('stored');
    expect((await objects.putNew(ref, bufferBody(bytes))).outcome).toBe('stored');
  });
});

describe('the SSE-C customer key through the layer', () => {
  it('is stored once at keys/sse-c even when the answer to its put is lost and retried', async () => {
    const inner = new MemoryStore();
    const faulty = new FaultyStore(inner, { rules: [{ ops: ['put'], nth: 1, afterWrite: true }] });
    const bootstrap = new RetryingStore(faulty, { clock: new FakeClock(), random: seededRandom(3) });
    const key = await createSseCKey(bootstrap, sealer, TEST_VAULT_ID, seededRandom(4));
    expect(faulty.calls.put).toBe(2);
    expect(Buffer.from(await loadSseCKey(inner, sealer, TEST_VAULT_ID)).equals(Buffer.from(key))).toBe(true);
  });

  it('never replaces a customer key already there', async () => {
    const store = new MemoryStore();
    const first = await createSseCKey(store, sealer, TEST_VAULT_ID, seededRandom(5));
    await expect(createSseCKey(store, sealer, TEST_VAULT_ID, seededRandom(6))).rejects.toThrow(/already holds another SSE-C customer key \(keys\/sse-c\)/);
    expect(Buffer.from(await loadSseCKey(store, sealer, TEST_VAULT_ID)).equals(Buffer.from(first))).toBe(true);
  });
});
