// The format 5 parts of the v5 vector (test/vectors/v5/README.md), on top of the generic checks of
// vectors.test.ts: the descriptor says 5, keys/chunking is the secret with the V2 parameter record, and
// the large file is cut with those parameters (a direct FastCDC pass over the restored bytes, under the
// vault's secret, gives the manifest's chunks).
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { frozenVector } from './frozen-vector.ts';
import { SealedObjects } from '../../src-main/engine/objects/sealed-objects.ts';
import { CHUNKING } from '../../src-main/engine/objects/object-ref.ts';
import { decodeChunking } from '../../src-main/engine/vault/chunking-layout.ts';
import { chunkFile } from '../../src-main/engine/chunking/chunk-file.ts';
import { chunkKeys } from '../../src-main/engine/chunking/chunk-keys.ts';
import { CDC_PARAMS_V2 } from '../../src-main/engine/chunking/fastcdc.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';

describe('format vector v5: chunking parameters recorded with the secret', () => {
  const vector = frozenVector<{ descriptorVersion: number; snapshots: { rootId: string; time: string }[] }>('v5');

  it('says version 5 in its descriptor', async () => {
    expect(await vector.descriptorVersion()).toBe(5);
    expect(vector.expected.descriptorVersion).toBe(5);
  });

  it('holds the secret and the V2 record at keys/chunking, and its large file is cut with them', async () => {
    const vault = await vector.open();
    try {
      const objects = new SealedObjects({ store: vault.slots, sealer: vault.sealer, vaultId: vault.vaultId });
      const plain = Buffer.from(await objects.openBytes(CHUNKING, await objects.fetchSealed(CHUNKING)));
      expect(plain.subarray(32).toString('hex')).toBe('01' + '00020000' + '00080000' + '00400000' + '00000001');
      const { secret, params } = decodeChunking(plain);
      expect(params).toEqual(CDC_PARAMS_V2);
      const out = join(vector.work, 'restored');
      expect((await vault.restore(out, { path: 'video.bin' })).problems).toEqual([]);
      const lengths: number[] = [];
      for await (const c of chunkFile(join(out, 'video.bin'), chunkKeys(secret), CDC_PARAMS_V2).chunks) lengths.push(c.data.length);
      const last = vector.expected.snapshots.at(-1)!;
      const entry = (await vault.versions('video.bin')).find((v) => v.rootId === last.rootId)!.entry as FileEntry;
      expect(entry.chunks!.map((c) => c.length)).toEqual(lengths);
      expect(lengths.length).toBeGreaterThan(2);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(CDC_PARAMS_V2.max);
    } finally {
      await vault.close();
    }
  });
});
