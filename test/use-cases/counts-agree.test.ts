// The dashboard's "Protected" count and the key usage scan count different things; this pins down what
// each counts so the views can say so, and shows the two agree on the files of the latest snapshot.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rotateKey, syncOnce } from '../../src-main/engine/api.ts';
import { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import { sandbox, initVault, type Sandbox } from '../engine/harness.ts';

describe('counts across views', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('the usage scan\'s latest-snapshot files equal the dashboard\'s; its total adds the files only older snapshots hold', async () => {
    sb = await sandbox();
    await mkdir(join(sb.folder, 'docs'));
    for (const n of ['a.txt', 'b.txt', 'docs/c.txt', 'docs/d.txt']) await writeFile(join(sb.folder, n), `content of ${n}`);
    await symlink('a.txt', join(sb.folder, 'link-to-a'));
    const { vault } = await initVault(sb, 'file');
    const service = new EngineVaultService(vault);
    try {
      await syncOnce(vault);
      await rotateKey(vault);
      // After the rotation: one file deleted (kept in the older snapshot), one changed (now under both key versions).
      await rm(join(sb.folder, 'b.txt'));
      await writeFile(join(sb.folder, 'a.txt'), 'a changed');
      await syncOnce(vault);

      const status = await service.status();
      const usage = await service.keyUsage(vault.key.ref);
      // The dashboard counts regular files in the latest snapshot: not the symlink, not the folder.
      expect(status.files).toBe(3);
      expect(status.bytes).toBe(['a changed', 'content of docs/c.txt', 'content of docs/d.txt'].reduce((n, s) => n + s.length, 0));
      expect(usage.latestFiles).toBe(status.files);
      // The scan also counts b.txt, which only the older snapshot still holds.
      expect(usage.files).toBe(4);
      // Summed per key version, a.txt counts twice (under version 1 and 2): why the old dialog said more.
      const summed = usage.byVersion.reduce((n, v) => n + v.files, 0);
      expect(usage.byVersion.map((v) => [v.version, v.files])).toEqual([[1, 4], [2, 1]]);
      expect(summed).toBe(5);
      // The provider's bytes are the ciphertext of every kept version: more than the dashboard's, and labelled so.
      const stored = (await service.providerView()).reveals.find((r) => r.bytes !== undefined)!;
      expect(stored.fact).toMatch(/every kept version/);
      expect(stored.bytes).toBeGreaterThan(status.bytes);
      const objects = (await service.providerView()).reveals.find((r) => r.fact === 'Number of stored objects')!;
      expect(objects.value).toBe(String(objects.count));
    } finally {
      await service.close();
      await vault.close();
    }
  });
});
