import { afterEach, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { initVault, inviteMember, syncOnce, type OpenVault } from '../../src-main/engine/api.ts';
import { acceptedHead } from '../../src-main/engine/team/accepted-head.ts';
import { teamSessionOf } from '../../src-main/engine/team/team-session.ts';
import { teamSandbox } from '../team/support.ts';
import { headFiles, packOf, writeSmallFiles } from './repack-support.ts';

describe('repacking a team vault', () => {
  let t: Awaited<ReturnType<typeof teamSandbox>> | undefined;
  let a: OpenVault | undefined;
  afterEach(async () => {
    await a?.close();
    await t?.cleanup();
  });

  it('commits a root signed like a pass, with its generation, which the team accepts', async () => {
    t = await teamSandbox('file');
    const ann = await t.client('ann');
    const names = await writeSmallFiles(ann.folder, 20, 5_000);
    a = (await initVault(ann.env, { folder: ann.folder, remote: t.remote, keyRef: 'passphrase' })).vault;
    await syncOnce(a);
    await inviteMember(a, { name: 'bob', role: 'writer' }); // a membership document: roots are signed from now on
    const oldPack = packOf(await headFiles(a), names);
    for (const n of names.slice(2)) await rm(join(ann.folder, n));
    await syncOnce(a, { allowMassDelete: true });

    const r = await syncOnce(a, { repack: true });
    expect(r.warnings).toEqual([]);
    expect(r.repacked).toMatchObject({ packs: 1, files: 2 });
    const head = (await a.manifest.readHead())!;
    expect(head.head.rootId).toBe(r.repacked!.rootId);
    const root = await a.manifest.readRoot(head.head.rootId);
    expect(root.sig).toBeDefined();
    expect(root.generation).toBe(head.head.generation);
    const membership = teamSessionOf(a.manifest)!.membership!.doc;
    const accepted = await acceptedHead(a.manifest, head.head, membership);
    expect(accepted.refused).toEqual([]);
    expect(accepted.root!.rootId).toBe(head.head.rootId);
    expect(packOf(await headFiles(a), names.slice(0, 2))).not.toBe(oldPack);
  });
});
