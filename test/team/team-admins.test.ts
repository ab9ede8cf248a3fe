// Three clients: the owner (passphrase), a second admin whose identity lives in the real OS keychain (the
// private gnome-keyring of the global setup), and a writer. An admin other than the owner removes the writer:
// the owner's own slots catch up with the new generation on its next open. Removing an admin replaces the
// recovery key they held.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  initVault, inviteMember, joinTeam, openVault, openVaultFromBucket, removeMember, syncOnce, teamView, type OpenVault,
} from '../../src-main/engine/api.ts';
import { KeychainIdentityStore, type LocalManagedKey } from '../../src-main/engine/keys/index.ts';
import { KeychainEntry } from '../../src-main/engine/keys/keychain-entry.ts';
import { serializeKeySet } from '../../src-main/engine/keys/key-set.ts';
import { joinVault } from '../../src-main/engine/use-cases/join-ops.ts';
import { acceptedHead } from '../../src-main/engine/team/accepted-head.ts';
import { teamSessionOf } from '../../src-main/engine/team/team-session.ts';
import { keychainSkipReason, uniqueName } from '../keys/support/keychain-env.ts';
import { readWith, teamSandbox } from './support.ts';

const skip = keychainSkipReason();

describe.skipIf(skip !== undefined)(`team admins${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const open: OpenVault[] = [];
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    for (const v of open.splice(0)) await v.close();
    await cleanup?.();
  });

  it('a second admin keeps its identity in the keychain, removes a writer, and the owner catches up; removing that admin replaces the recovery key', async () => {
    const t = await teamSandbox('file');
    cleanup = t.cleanup;
    const [ann, bob, cat] = await Promise.all([t.client('ann'), t.client('bob'), t.client('cat')]);
    await writeFile(join(ann.folder, 'a.txt'), 'alpha');
    const { vault: a, recoveryKey: firstKit } = await initVault(ann.env, { folder: ann.folder, remote: t.remote, keyRef: 'passphrase' });
    open.push(a);
    await syncOnce(a);

    const toBob = await inviteMember(a, { name: 'bob', role: 'admin' });
    const { vault: b } = await joinTeam(bob.env, { code: toBob.code, folder: bob.folder });
    open.push(b);
    expect(b.key.ref).toBe(`member:${a.vaultId}`);
    expect((await new KeychainIdentityStore(`member-${a.vaultId}`).read())?.member).toBe(toBob.memberId);

    const toCat = await inviteMember(b, { name: 'cat', role: 'writer' });
    const { vault: c } = await joinTeam(cat.env, { code: toCat.code, folder: cat.folder, identityRef: `file:${cat.identityFile}` });
    open.push(c);
    // A writer's slot holds no recovery key; an admin's does.
    expect((c.key as LocalManagedKey).keySet().recoveryKey).toBeUndefined();
    expect((b.key as LocalManagedKey).keySet().recoveryKey).toBeDefined();

    expect((await removeMember(b, 'cat')).generation).toBe(2);
    await writeFile(join(bob.folder, 'b.txt'), 'after cat left');
    await syncOnce(b);

    // Ann's passphrase slot still holds generation 1; her member slot has 2, and her next open catches up.
    await a.close();
    open.splice(open.indexOf(a), 1);
    const a2 = await openVault(ann.env, ann.folder);
    open.push(a2);
    expect(await a2.key.currentVersion()).toBe(2);
    expect(await readWith(a2, (await a2.tree()).tree.get('b.txt')!)).toBe('after cat left');
    const view = await teamView(a2);
    expect(view.members.find((m) => m.name === 'cat')?.status).toBe('removed');
    expect(view.generation).toBe(2);

    // Bob was an admin: removing him makes a new recovery key, and the old kit no longer opens the vault.
    const removal = await removeMember(a2, 'bob');
    expect(removal.recoveryKey).toMatch(/^CR1-/);
    expect(removal.recoveryKey).not.toBe(firstKit);
    const fresh = { home: join(t.root, 'fresh-home') };
    await expect(openVaultFromBucket(fresh, { remote: t.remote, recoveryKey: firstKit })).rejects.toThrow(/does not open this vault/);
    const viaNew = await openVaultFromBucket(fresh, { remote: t.remote, recoveryKey: removal.recoveryKey! });
    expect(await viaNew.key.currentVersion()).toBe(3);
    await viaNew.close();
  });

  it("another device of the owner, whose keychain copy predates the team, adopts the owner's identity and signs as the owner", async () => {
    const t = await teamSandbox('file');
    cleanup = t.cleanup;
    const [ann, ann2] = await Promise.all([t.client('ann'), t.client('ann-laptop')]);
    await writeFile(join(ann.folder, 'a.txt'), 'alpha');
    const { vault: a } = await initVault(ann.env, { folder: ann.folder, remote: t.remote, keyRef: 'passphrase' });
    open.push(a);
    await syncOnce(a);
    const name = uniqueName('owner-laptop');
    await new KeychainEntry(name).write(serializeKeySet((a.key as LocalManagedKey).keySet()));
    await inviteMember(a, { name: 'bob', role: 'reader' });

    const { vault: laptop } = await joinVault(ann2.env, { folder: ann2.folder, remote: t.remote, keyRef: `keychain:${name}` });
    open.push(laptop);
    const me = (await teamView(laptop)).members.find((m) => m.you);
    expect(me?.role).toBe('admin');
    expect(me?.id).toBe((a.key as LocalManagedKey).keySet().identity!.member);
    await writeFile(join(ann2.folder, 'laptop.txt'), 'from the laptop');
    await syncOnce(laptop);
    const head = (await a.manifest.readHead())!.head;
    const verdict = await acceptedHead(a.manifest, head, teamSessionOf(a.manifest)!.membership!.doc);
    expect(verdict.refused).toEqual([]);
    expect(verdict.root?.author).toEqual({ member: me!.id, device: laptop.settings.deviceId });
  });
});
