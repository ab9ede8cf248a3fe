// A folder given through a symlink (a symlinked home, /tmp on macOS): init must register the real folder,
// or every later sync refuses to scan it ("not a folder"), and both names must find the vault.
import { afterEach, describe, expect, it } from 'vitest';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { syncOnce } from '../../src-main/engine/api.ts';
import { sandbox, snapshot, type Sandbox } from './harness.ts';

describe('a Coffer folder given through a symlink', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('is registered as the real folder; sync works from the link and from the real path', async () => {
    sb = await sandbox();
    const link = join(sb.root, 'link-to-folder');
    await symlink(sb.folder, link);
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const { vault } = await LocalVault.init(sb.env, { folder: link, remote: `file://${join(sb.root, 'remote')}`, keyRef: 'passphrase' });
    expect(vault.settings.folder).toBe(sb.folder);
    const first = await syncOnce(vault);
    await vault.close();
    expect(first).toMatchObject({ complete: true, errors: 0, uploaded: 1 });

    await writeFile(join(sb.folder, 'b.txt'), 'bravo');
    for (const name of [link, sb.folder]) {
      const again = await LocalVault.open(sb.env, name);
      try {
        expect(again.settings.folder).toBe(sb.folder);
        expect((await syncOnce(again)).complete).toBe(true);
      } finally {
        await again.close();
      }
    }
    const restored = await LocalVault.open(sb.env, link);
    try {
      await restored.restore(join(sb.root, 'out'));
    } finally {
      await restored.close();
    }
    expect(await snapshot(join(sb.root, 'out'))).toEqual(await snapshot(sb.folder));
  });
});
