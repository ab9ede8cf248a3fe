import { describe, it, expect, afterEach } from 'vitest';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import { sandbox, initVault, type Sandbox } from './harness.ts';

describe('restore as copy (the History view)', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('writes an older version next to the file, under a new name, and leaves the current one alone', async () => {
    sb = await sandbox();
    const file = join(sb.folder, 'notes', 'plan.txt');
    await mkdir(join(sb.folder, 'notes'));
    await writeFile(file, 'first draft');
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    await syncer.sync();
    await writeFile(file, 'second draft, longer');
    await syncer.sync();
    await syncer.close();
    const service = new EngineVaultService(vault);
    const versions = await service.versions('notes/plan.txt');
    expect(versions.map((v) => v.size)).toEqual([20, 11]);
    const { restoredPath } = await service.restoreCopy('notes/plan.txt', versions[1]!.versionId);
    expect(restoredPath).toMatch(/^notes\/plan \(restored \d{4}-\d{2}-\d{2} \d{4}\)\.txt$/);
    expect(await readFile(join(sb.folder, restoredPath), 'utf8')).toBe('first draft');
    expect(await readFile(file, 'utf8')).toBe('second draft, longer');
    await expect(service.restoreCopy('notes/missing.txt', versions[1]!.versionId)).rejects.toThrow(/no stored content/);
    await vault.close();
  });
});
