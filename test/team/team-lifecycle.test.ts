// Invite, join, remove, reencrypt: two clients with their own COFFER_HOME on one bucket (file:// and the
// real Ceph RGW), through the engine's use cases (engine/api.ts) and the real key slots.
import { afterEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  initVault, inviteMember, joinTeam, openVault, reencryptTeam, removeMember, syncOnce, teamView, type OpenVault,
} from '../../src-main/engine/api.ts';
import { acceptedHead } from '../../src-main/engine/team/accepted-head.ts';
import { teamSessionOf } from '../../src-main/engine/team/team-session.ts';
import { s3TestConfig } from '../support/s3-env.ts';
import { readWith, teamSandbox } from './support.ts';

const kinds = s3TestConfig() ? (['file', 's3'] as const) : (['file'] as const);

describe.each(kinds)('a team on a %s remote', (kind) => {
  const open: OpenVault[] = [];
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    for (const v of open.splice(0)) await v.close();
    await cleanup?.();
  });

  it('invite -> join -> both read; removal: no new data for the removed member, old data until reencrypt, nothing after', async () => {
    const t = await teamSandbox(kind);
    cleanup = t.cleanup;
    const ann = await t.client('ann');
    const bob = await t.client('bob');
    await writeFile(join(ann.folder, 'old.txt'), 'written before bob joined');
    const { vault: a } = await initVault(ann.env, { folder: ann.folder, remote: t.remote, endpoint: t.endpoint, keyRef: 'passphrase' });
    open.push(a);
    await syncOnce(a);

    const invite = await inviteMember(a, { name: 'bob', role: 'writer' });
    expect(invite.code).toMatch(/^coffer-join1:/);
    // Until one of bob's devices joins, the Team view says the code is still unused.
    expect((await teamView(a)).members.map((m) => [m.name, m.status])).toEqual([[expect.any(String), 'active'], ['bob', 'invited']]);
    const { vault: b, memberId } = await joinTeam(bob.env, { code: invite.code, folder: bob.folder, identityRef: `file:${bob.identityFile}` });
    open.push(b);
    expect(memberId).toBe(invite.memberId);
    expect(await readFile(join(bob.folder, 'old.txt'), 'utf8')).toBe('written before bob joined');
    expect(b.key.ref).toBe(`member:${a.vaultId}:${bob.identityFile}`);

    // Bob commits; his root is signed and Ann accepts it.
    await writeFile(join(bob.folder, 'from-bob.txt'), 'bob was here');
    await syncOnce(b);
    const head = (await a.manifest.readHead())!.head;
    const accepted = await acceptedHead(a.manifest, head, teamSessionOf(a.manifest)!.membership!.doc);
    expect(accepted.refused).toEqual([]);
    expect(accepted.root?.author?.member).toBe(memberId);
    const afterBob = (await a.tree()).tree;
    expect(await readWith(a, afterBob.get('from-bob.txt')!)).toBe('bob was here');
    const oldEntry = afterBob.get('old.txt')!;
    expect(await readWith(b, oldEntry)).toBe('written before bob joined');

    const view = await teamView(a);
    expect(view.members.map((m) => [m.name, m.role, m.status])).toContainEqual(['bob', 'writer', 'active']);

    // Removal starts generation 2 at once.
    const removal = await removeMember(a, 'bob');
    expect(removal.generation).toBe(2);
    expect(removal.recoveryKey).toBeUndefined();
    await writeFile(join(ann.folder, 'after.txt'), 'bob must not read this');
    await syncOnce(a);
    const newEntry = (await a.tree()).tree.get('after.txt')!;
    expect(newEntry.keyVersion).toBe(2);

    await b.close();
    open.splice(open.indexOf(b), 1);
    const b2 = await openVault(bob.env, bob.folder);
    open.push(b2);
    await expect(readWith(b2, newEntry)).rejects.toThrow();
    expect(await readWith(b2, oldEntry)).toBe('written before bob joined');
    await expect(syncOnce(b2)).rejects.toThrow(/you were removed from this vault by \S+ on \d{4}-/);

    // Re-encryption re-seals everything under generation 2: bob's old key opens nothing any more.
    const progress: number[] = [];
    const done = await reencryptTeam(a, { onProgress: (p) => progress.push(p.percent) });
    expect(done.percent).toBe(100);
    expect(progress.at(-1)).toBe(100);
    await expect(readWith(b2, oldEntry)).rejects.toThrow();
    expect(await readWith(a, (await a.tree()).tree.get('old.txt')!)).toBe('written before bob joined');
    expect((await teamView(a)).reencrypt.percent).toBe(100);
  });
});
