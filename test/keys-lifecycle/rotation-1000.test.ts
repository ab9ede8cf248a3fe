import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { scanKeyUsage } from '../../src-main/engine/vault/key-usage.ts';
import { initVault, sandbox, snapshot, type Sandbox } from '../engine/harness.ts';

const OLD = 1000;
const NEW = 10;

describe('rotation across 1,000 files', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('every older file still restores, old entries keep version 1, new ones carry version 2', async () => {
    sb = await sandbox();
    for (let d = 0; d < 10; d++) await mkdir(join(sb.folder, `d${d}`));
    const name = (i: number) => `d${i % 10}/file-${String(i).padStart(4, '0')}.txt`;
    for (let i = 0; i < OLD; i++) await writeFile(join(sb.folder, name(i)), `${i}:${randomBytes(40).toString('hex')}`);
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    expect((await syncer.sync()).uploaded).toBe(OLD);

    const rotated = await vault.key.rotate();
    expect(rotated.versions.map((v) => [v.version, v.current])).toEqual([[1, false], [2, true]]);
    await mkdir(join(sb.folder, 'new'));
    for (let i = 0; i < NEW; i++) await writeFile(join(sb.folder, `new/after-${i}.txt`), `after rotation ${i}`);
    expect((await syncer.sync()).uploaded).toBe(NEW);
    await syncer.close();

    const { tree } = await vault.tree();
    const files = [...tree.values()].filter((e) => e.type === 'file');
    expect(files).toHaveLength(OLD + NEW);
    const byVersion = (v: number) => files.filter((e) => e.keyVersion === v).map((e) => e.path);
    expect(byVersion(2).sort()).toEqual(Array.from({ length: NEW }, (_, i) => `new/after-${i}.txt`).sort());
    expect(byVersion(1)).toHaveLength(OLD);
    expect(byVersion(1).every((p) => !p.startsWith('new/'))).toBe(true);

    const usage = await scanKeyUsage(vault.manifest, vault.key.ref);
    expect(usage.byVersion.map((u) => [u.version, u.files])).toEqual([[1, OLD], [2, NEW]]);

    // 100 %: every file, old and new, restores byte-identical with the key set holding both versions.
    const out = join(sb.root, 'restored');
    const report = await vault.restore(out);
    expect(report.problems).toEqual([]);
    const restored = await snapshot(out);
    expect(Object.keys(restored).filter((k) => restored[k] !== '<dir>')).toHaveLength(OLD + NEW);
    expect(restored).toEqual(await snapshot(sb.folder));
    expect((await readFile(join(out, name(777)), 'utf8')).startsWith('777:')).toBe(true);
    await vault.close();
  });
});
