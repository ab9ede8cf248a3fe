// A client that stays open (a watch, the app) while an admin elsewhere removes a member: its next pass seals
// under the new generation (not one the removed member holds), and the removed member's open client stops.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initVault, inviteMember, joinTeam, removeMember, syncOnce, type OpenVault } from '../../src-main/engine/api.ts';
import { readWith, teamSandbox } from './support.ts';

describe('a long-running client and a removal made elsewhere', () => {
  const open: OpenVault[] = [];
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    for (const v of open.splice(0)) await v.close();
    await cleanup?.();
  });

  it('writes under the new generation at its next pass; the removed member\'s open client refuses to sync', async () => {
    const t = await teamSandbox('file');
    cleanup = t.cleanup;
    const [ann, bob, cat] = await Promise.all([t.client('ann'), t.client('bob'), t.client('cat')]);
    await writeFile(join(ann.folder, 'old.txt'), 'before');
    const { vault: a } = await initVault(ann.env, { folder: ann.folder, remote: t.remote, endpoint: t.endpoint, keyRef: 'passphrase' });
    open.push(a);
    await syncOnce(a);
    const toBob = await inviteMember(a, { name: 'bob', role: 'writer' });
    const toCat = await inviteMember(a, { name: 'cat', role: 'writer' });
    const { vault: b } = await joinTeam(bob.env, { code: toBob.code, folder: bob.folder, identityRef: `file:${bob.identityFile}` });
    const { vault: c } = await joinTeam(cat.env, { code: toCat.code, folder: cat.folder, identityRef: `file:${cat.identityFile}` });
    open.push(b, c);
    expect(await c.key.currentVersion()).toBe(1);

    await removeMember(a, 'bob');
    // cat's vault was opened before the removal and is still open.
    await writeFile(join(cat.folder, 'from-cat.txt'), 'bob must not read this');
    await syncOnce(c);
    const entry = (await c.tree()).tree.get('from-cat.txt')!;
    expect(entry.keyVersion).toBe(2);
    await expect(readWith(b, entry)).rejects.toThrow();
    expect(await readWith(a, entry)).toBe('bob must not read this');

    await writeFile(join(bob.folder, 'from-bob.txt'), 'after removal');
    await expect(syncOnce(b)).rejects.toThrow(/you were removed from this vault/);
  });
});
