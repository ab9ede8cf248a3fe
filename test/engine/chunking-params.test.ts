// Per-vault chunking parameters through the engine (vault/chunking-layout.ts, docs/CDC.md §Parameters):
// a new vault records the V2 parameters with its secret and says descriptor 5; a vault whose keys/chunking
// is a bare 32-byte secret (made by format 3 or 4) keeps cutting with the legacy parameters and stays at
// descriptor 4; and in a new vault a 1 MiB edit inside a large file stores at most 4 MiB of new chunks.
import { describe, it, expect, afterEach } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import type { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { SealedObjects } from '../../src-main/engine/objects/sealed-objects.ts';
import { CHUNKING } from '../../src-main/engine/objects/object-ref.ts';
import { bufferBody } from '../../src-main/engine/store/body.ts';
import { readDescriptor } from '../../src-main/engine/vault/descriptor.ts';
import { encodeChunking } from '../../src-main/engine/vault/chunking-layout.ts';
import { chunkFile } from '../../src-main/engine/chunking/chunk-file.ts';
import { chunkKeys } from '../../src-main/engine/chunking/chunk-keys.ts';
import { CDC_PARAMS_V2, LEGACY_CDC_PARAMS, type CdcParams } from '../../src-main/engine/chunking/fastcdc.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';
import { seededBytes } from '../support/seeded-bytes.ts';
import { initVault, sandbox, type Sandbox } from './harness.ts';

const MiB = 1024 * 1024;

const objectsOf = (vault: LocalVault) => new SealedObjects({ store: vault.slots, sealer: vault.sealer, vaultId: vault.vaultId });

/** keys/chunking's plaintext, as the vault sealed it. */
async function chunkingPlain(vault: LocalVault): Promise<Buffer> {
  const objects = objectsOf(vault);
  return Buffer.from(await objects.openBytes(CHUNKING, await objects.fetchSealed(CHUNKING)));
}

/** Seals `plain` at keys/chunking before the vault's first chunked write, as an earlier Coffer would have. */
async function presetChunking(vault: LocalVault, plain: Uint8Array): Promise<void> {
  const objects = objectsOf(vault);
  const { outcome } = await objects.putNew(CHUNKING, bufferBody(await objects.sealBytes(CHUNKING, plain)));
  expect(outcome).not.toBe('taken');
}

/** The chunk lengths a direct FastCDC pass over `path` gives under `secret` and `params`. */
async function cutsOf(path: string, secret: Uint8Array, params: CdcParams): Promise<number[]> {
  const lengths: number[] = [];
  for await (const c of chunkFile(path, chunkKeys(secret), params).chunks) lengths.push(c.data.length);
  return lengths;
}

async function syncOnce(vault: LocalVault): Promise<void> {
  const syncer = new VaultSyncer(vault);
  try {
    await syncer.sync();
  } finally {
    await syncer.close();
  }
}

const entryOf = async (vault: LocalVault, path: string): Promise<FileEntry> => (await vault.tree()).tree.get(path)!;

describe('chunking parameters per vault', () => {
  let sb: Sandbox;
  let vault: LocalVault | undefined;
  afterEach(async () => {
    await vault?.close();
    vault = undefined;
    await sb?.cleanup();
  });

  it('a new vault records the V2 parameters with its secret, says descriptor 5, and cuts with them', async () => {
    sb = await sandbox();
    const path = join(sb.folder, 'big.bin');
    await writeFile(path, seededBytes('params new vault', 12 * MiB + 9));
    ({ vault } = await initVault(sb, 'file'));
    await syncOnce(vault);
    const plain = await chunkingPlain(vault);
    expect(plain.length).toBe(49);
    expect(plain.subarray(32).toString('hex')).toBe('01' + '00020000' + '00080000' + '00400000' + '00000001');
    expect((await readDescriptor(vault.slots, 'the remote')).version).toBe(5);
    expect((await vault.chunking()).params).toEqual(CDC_PARAMS_V2);
    const lengths = (await entryOf(vault, 'big.bin')).chunks!.map((c) => c.length);
    expect(lengths).toEqual(await cutsOf(path, plain.subarray(0, 32), CDC_PARAMS_V2));
    expect(Math.max(...lengths)).toBeLessThanOrEqual(CDC_PARAMS_V2.max);
  });

  it('a vault with a bare 32-byte secret keeps the legacy cuts and descriptor 4, and its keys/chunking is left as it was', async () => {
    sb = await sandbox();
    const path = join(sb.folder, 'big.bin');
    await writeFile(path, seededBytes('params legacy vault', 24 * MiB + 9));
    ({ vault } = await initVault(sb, 'file'));
    const secret = seededBytes('legacy secret', 32);
    await presetChunking(vault, secret);
    await syncOnce(vault);
    expect((await chunkingPlain(vault)).equals(secret)).toBe(true);
    expect((await readDescriptor(vault.slots, 'the remote')).version).toBe(4);
    expect((await vault.chunking()).params).toBe(LEGACY_CDC_PARAMS);
    const lengths = (await entryOf(vault, 'big.bin')).chunks!.map((c) => c.length);
    const legacy = await cutsOf(path, secret, LEGACY_CDC_PARAMS);
    expect(lengths).toEqual(legacy);
    // Not a coincidence of both sets: the V2 parameters cut this file elsewhere.
    expect(legacy).not.toEqual(await cutsOf(path, secret, CDC_PARAMS_V2));
    for (const n of lengths.slice(0, -1)) {
      expect(n).toBeGreaterThan(LEGACY_CDC_PARAMS.min);
      expect(n).toBeLessThanOrEqual(LEGACY_CDC_PARAMS.max);
    }
  });

  it('refuses to chunk with recorded parameters out of bounds (a 64 MiB max), and says why', async () => {
    sb = await sandbox();
    ({ vault } = await initVault(sb, 'file'));
    const plain = Buffer.from(encodeChunking(seededBytes('hostile secret', 32), CDC_PARAMS_V2));
    plain.writeUInt32BE(64 * MiB, 32 + 1 + 8);
    await presetChunking(vault, plain);
    await expect(vault.chunker()).rejects.toThrow(/keys\/chunking records chunking parameters min 131072, avg 524288, max 67108864, normalisation 1; they must satisfy/);
    expect((await readDescriptor(vault.slots, 'the remote')).version).toBe(1);
  });

  // Seeded secrets and bytes, so the bound is checked on the same cuts every run; the simulation behind
  // the V2 parameters (bench/cdc-edit-sim.mjs) found no vault over 4 MiB in 60.
  it.each([1, 2, 3, 4, 5, 6].map((n) => `edit seed ${n}`))('in a new vault a 1 MiB edit in the middle of a 40 MB file stores at most 4 MiB of new chunks (%s)', async (seed) => {
    sb = await sandbox();
    const path = join(sb.folder, 'mail.mbox');
    const data = seededBytes(`${seed} data`, 40_000_000);
    await writeFile(path, data);
    ({ vault } = await initVault(sb, 'file'));
    await presetChunking(vault, encodeChunking(seededBytes(`${seed} secret`, 32), CDC_PARAMS_V2));
    await syncOnce(vault);
    const v1 = await entryOf(vault, 'mail.mbox');
    seededBytes(`${seed} edit`, MiB).copy(data, 20 * MiB);
    await writeFile(path, data);
    await syncOnce(vault);
    const v2 = await entryOf(vault, 'mail.mbox');
    expect(v2.hash).not.toBe(v1.hash);
    const old = new Set(v1.chunks!.map((c) => c.id));
    const fresh = v2.chunks!.filter((c) => !old.has(c.id)).reduce((n, c) => n + c.length, 0);
    expect(fresh).toBeGreaterThanOrEqual(MiB);
    expect(fresh).toBeLessThanOrEqual(4 * MiB);
  });
});
