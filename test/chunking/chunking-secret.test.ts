// loadOrCreateChunking (vault/chunking-secret.ts) over a real sealer and a memory bucket: which layout a
// vault gets, which descriptor version follows, and the race of two devices making the secret at once,
// where the loser must chunk with the winner's secret AND parameters.
import { describe, expect, it } from 'vitest';
import type { Readable } from 'node:stream';
import { EsdkSealer } from '../../src-main/engine/crypto/esdk-sealer.ts';
import { MemoryStore } from '../../src-main/engine/store/memory-store.ts';
import { bufferBody } from '../../src-main/engine/store/body.ts';
import { NotFoundError } from '../../src-main/engine/ports/store-errors.ts';
import type { GetOptions } from '../../src-main/engine/ports/blob-store.ts';
import { SealedObjects } from '../../src-main/engine/objects/sealed-objects.ts';
import { CHUNKING } from '../../src-main/engine/objects/object-ref.ts';
import { CHUNKING_KEY } from '../../src-main/engine/objects/object-keys.ts';
import { readDescriptor, upgradeDescriptor, writeDescriptor } from '../../src-main/engine/vault/descriptor.ts';
import { loadOrCreateChunking } from '../../src-main/engine/vault/chunking-secret.ts';
import { encodeChunking } from '../../src-main/engine/vault/chunking-layout.ts';
import { CDC_PARAMS_V2, LEGACY_CDC_PARAMS } from '../../src-main/engine/chunking/fastcdc.ts';
import { fixedKeyProvider, TEST_VAULT_ID } from '../support/fixed-key.ts';
import { seededRandom } from '../support/fake-clock.ts';

const sealer = new EsdkSealer(fixedKeyProvider(7));
const objectsOn = (store: MemoryStore) => new SealedObjects({ store, sealer, vaultId: TEST_VAULT_ID });

async function vaultAt(version: 1 | 2 | 3 | 4, store = new MemoryStore()): Promise<MemoryStore> {
  await writeDescriptor(store, TEST_VAULT_ID);
  await upgradeDescriptor(store, TEST_VAULT_ID, version);
  return store;
}

async function putChunking(store: MemoryStore, plain: Uint8Array): Promise<void> {
  const objects = objectsOn(store);
  await objects.putNew(CHUNKING, bufferBody(await objects.sealBytes(CHUNKING, plain)));
}

async function plainOf(store: MemoryStore): Promise<Buffer> {
  const objects = objectsOn(store);
  return Buffer.from(await objects.openBytes(CHUNKING, await objects.fetchSealed(CHUNKING)));
}

/**
 * A bucket where another device writes keys/chunking just after this one looked and found none: the
 * first read of it reports "not found" and, at that moment, `other` is put.
 */
class LateWriterStore extends MemoryStore {
  #pending: Uint8Array | null;
  constructor(other: Uint8Array) {
    super();
    this.#pending = other;
  }

  override async get(key: string, opts?: GetOptions): Promise<Readable> {
    if (key === CHUNKING_KEY && this.#pending) {
      const other = this.#pending;
      this.#pending = null;
      await putChunking(this, other);
      throw new NotFoundError(`${key} not found`);
    }
    return super.get(key, opts);
  }
}

const version = async (store: MemoryStore) => (await readDescriptor(store, store.location)).version;

describe('loadOrCreateChunking', () => {
  it.each([1, 2] as const)('gives a vault of format %i a new secret with the V2 record, and descriptor 5', async (v) => {
    const store = await vaultAt(v);
    const got = await loadOrCreateChunking(store, sealer, TEST_VAULT_ID, seededRandom(1));
    expect(got.params).toEqual(CDC_PARAMS_V2);
    const plain = await plainOf(store);
    expect(plain.length).toBe(49);
    expect(plain.subarray(0, 32).equals(Buffer.from(got.secret))).toBe(true);
    expect(await version(store)).toBe(5);
    // Read back on the next open: the same secret and parameters.
    const again = await loadOrCreateChunking(store, sealer, TEST_VAULT_ID, seededRandom(2));
    expect(Buffer.from(again.secret).equals(Buffer.from(got.secret))).toBe(true);
    expect(again.params).toEqual(CDC_PARAMS_V2);
  });

  it.each([3, 4] as const)('keeps a format %i vault\'s bare secret and the legacy params, at descriptor 4', async (v) => {
    const store = await vaultAt(v);
    const secret = seededRandom(3)(32);
    await putChunking(store, secret);
    const got = await loadOrCreateChunking(store, sealer, TEST_VAULT_ID, seededRandom(4));
    expect(Buffer.from(got.secret).equals(Buffer.from(secret))).toBe(true);
    expect(got.params).toBe(LEGACY_CDC_PARAMS);
    expect((await plainOf(store)).equals(Buffer.from(secret))).toBe(true);
    expect(await version(store)).toBe(4);
  });

  it('adopts a bare secret an older Coffer wrote at the same moment: legacy params, descriptor 4', async () => {
    const theirs = seededRandom(5)(32);
    const store = await vaultAt(1, new LateWriterStore(theirs));
    const got = await loadOrCreateChunking(store, sealer, TEST_VAULT_ID, seededRandom(6));
    expect(Buffer.from(got.secret).equals(Buffer.from(theirs))).toBe(true);
    expect(got.params).toBe(LEGACY_CDC_PARAMS);
    expect(await version(store)).toBe(4);
  });

  it('adopts a recorded secret another device wrote at the same moment: its secret, its params, descriptor 5', async () => {
    const theirs = seededRandom(7)(32);
    const store = await vaultAt(2, new LateWriterStore(encodeChunking(theirs, CDC_PARAMS_V2)));
    const got = await loadOrCreateChunking(store, sealer, TEST_VAULT_ID, seededRandom(8));
    expect(Buffer.from(got.secret).equals(Buffer.from(theirs))).toBe(true);
    expect(got.params).toEqual(CDC_PARAMS_V2);
    expect(await version(store)).toBe(5);
  });

  it('fails, and leaves the descriptor alone, when keys/chunking has another length', async () => {
    const store = await vaultAt(4);
    await putChunking(store, new Uint8Array(40));
    await expect(loadOrCreateChunking(store, sealer, TEST_VAULT_ID, seededRandom(9))).rejects.toThrow(/keys\/chunking holds 40 bytes: neither/);
    expect(await version(store)).toBe(4);
  });
});
