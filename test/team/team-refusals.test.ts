// Bad input around a team, each refused with a clear message and nothing applied: join codes that are
// expired, tampered with or for another vault; membership versions forged, re-chained or rolled back; a
// removed member's and a reader's commits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  initVault, inviteMember, joinTeam, openVault, removeDevice, removeMember, setMemberRole, syncOnce, teamView, type OpenVault,
} from '../../src-main/engine/api.ts';
import { systemClock } from '../../src-main/engine/ports/clock.ts';
import { acceptedHead } from '../../src-main/engine/team/accepted-head.ts';
import { teamSessionOf } from '../../src-main/engine/team/team-session.ts';
import { signJws } from '../../src-main/engine/team/jws.ts';
import { jwsHash } from '../../src-main/engine/team/membership-chain.ts';
import { encodeJoinCode, parseJoinCode } from '../../src-main/engine/team/join-code.ts';
import { newMemberIdentity, LocalManagedKey, signBytes, type MemberIdentity } from '../../src-main/engine/keys/index.ts';
import { SealedObjects } from '../../src-main/engine/objects/sealed-objects.ts';
import { membershipRef } from '../../src-main/engine/objects/object-ref.ts';
import { HEAD_KEY } from '../../src-main/engine/objects/object-keys.ts';
import { bufferBody } from '../../src-main/engine/store/body.ts';
import type { Membership } from '../../src-main/engine/team/membership-schema.ts';
import { teamSandbox, type Client } from './support.ts';
import { s3TestConfig } from '../support/s3-env.ts';

const kinds = s3TestConfig() ? (['file', 's3'] as const) : (['file'] as const);

describe.each(kinds)('team refusals (%s remote)', (kind) => {
  let t: Awaited<ReturnType<typeof teamSandbox>>;
  let ann: Client;
  let a: OpenVault;
  let annId: MemberIdentity;
  const open: OpenVault[] = [];

  beforeAll(async () => {
    t = await teamSandbox(kind);
    ann = await t.client('ann');
    await writeFile(join(ann.folder, 'a.txt'), 'alpha');
    a = (await initVault(ann.env, { folder: ann.folder, remote: t.remote, endpoint: t.endpoint, keyRef: 'passphrase' })).vault;
    await syncOnce(a);
    await inviteMember(a, { name: 'first', role: 'writer' });
    annId = (a.key as LocalManagedKey).keySet().identity!;
  });
  afterAll(async () => {
    for (const v of open) await v.close();
    await a?.close();
    await t?.cleanup();
  });

  const objects = () => new SealedObjects({ store: a.store, sealer: a.sealer, vaultId: a.vaultId });
  async function putVersion(version: number, text: string): Promise<void> {
    const ref = membershipRef(version);
    await a.store.put(objects().keyOf(ref), bufferBody(await objects().sealBytes(ref, Buffer.from(text, 'utf8'))));
  }
  const current = () => teamSessionOf(a.manifest)!.membership!;
  const nextDoc = (change: Partial<Membership> = {}): Membership => ({ ...current().doc, version: current().doc.version + 1, prev: current().hash, ...change });
  /** A fresh open of Ann's vault: the membership is verified from her high-water mark. */
  async function reopen(): Promise<OpenVault> {
    const v = await openVault(ann.env, ann.folder);
    open.push(v);
    return v;
  }
  async function refusedWith(version: number, text: string, message: RegExp): Promise<void> {
    await putVersion(version, text);
    try {
      await expect(reopen()).rejects.toThrow(message);
    } finally {
      await a.store.delete(objects().keyOf(membershipRef(version)));
    }
  }

  it('a membership version signed by an unknown key is refused', async () => {
    const stranger = await newMemberIdentity('abcdefabcdefabcd');
    await refusedWith(current().doc.version + 1, signJws(nextDoc(), stranger), /unknown signer/);
  });

  it('a membership version whose payload was changed after signing is refused (broken signature)', async () => {
    const good = signJws(nextDoc(), annId);
    const [h, , s] = good.split('.');
    const evil = Buffer.from(JSON.stringify(nextDoc({ members: current().doc.members.map((m) => ({ ...m, role: 'admin' as const })) }))).toString('base64url');
    await refusedWith(current().doc.version + 1, `${h}.${evil}.${s}`, /broken signature/);
  });

  it('a membership version that does not name the previous one is refused (broken chain)', async () => {
    await refusedWith(current().doc.version + 1, signJws(nextDoc({ prev: jwsHash('another history') }), annId), /broken hash chain/);
  });

  it('a membership version signed by a writer is refused', async () => {
    const bob = await t.client('bob-writer');
    const invite = await inviteMember(a, { name: 'bob', role: 'writer' });
    const { vault: b } = await joinTeam(bob.env, { code: invite.code, folder: bob.folder, identityRef: `file:${bob.identityFile}` });
    open.push(b);
    const bobId = (b.key as LocalManagedKey).memberIdentity()!;
    await refusedWith(current().doc.version + 1, signJws(nextDoc(), bobId), /signed by bob, who was not an active admin/);
  });

  it('an older membership than this device saw (rolled back) and a version replayed under another number are refused', async () => {
    const newest = current();
    const text = newest.jws;
    await a.store.delete(objects().keyOf(membershipRef(newest.doc.version)));
    try {
      await expect(reopen()).rejects.toThrow(/older than the one this device already saw/);
    } finally {
      await putVersion(newest.doc.version, text);
    }
    // The previous version's text stored as the next one: it says it is another version.
    const older = Buffer.from(await objects().fetchBytes(membershipRef(newest.doc.version - 1))).toString('utf8');
    await refusedWith(newest.doc.version + 1, older, /says it is version|moved or replayed/);
    // Nothing was applied: Ann still verifies the chain as it was.
    expect((await reopen()).vaultId).toBe(a.vaultId);
  });

  it('join codes: expired, tampered with, or for another vault', async () => {
    const carol = await t.client('carol');
    const invite = await inviteMember(a, { name: 'carol', role: 'reader', expiresDays: 7 });
    const later = { ...systemClock, now: () => Date.now() + 8 * 86_400_000 };
    await expect(joinTeam({ ...carol.env, clock: later }, { code: invite.code, folder: carol.folder, identityRef: `file:${carol.identityFile}` }))
      .rejects.toThrow(/this join code expired on/);

    const [body, sig] = invite.code.slice('coffer-join1:'.length).split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
    const forged = `coffer-join1:${Buffer.from(JSON.stringify({ ...payload, role: 'admin' })).toString('base64url')}.${sig}`;
    await expect(joinTeam(carol.env, { code: forged, folder: carol.folder, identityRef: `file:${carol.identityFile}` }))
      .rejects.toThrow(/signature does not verify: it was tampered with/);

    const other = await t.client('other');
    const otherRemote = `file://${join(t.root, 'other-remote')}`;
    const o = (await initVault(other.env, { folder: other.folder, remote: otherRemote, keyRef: 'passphrase' })).vault;
    await o.close();
    const misdirected = encodeJoinCode({ ...parseJoinCode(invite.code, Date.now()).payload, remote: otherRemote }, annId);
    await expect(joinTeam(carol.env, { code: misdirected, folder: carol.folder, identityRef: `file:${carol.identityFile}` }))
      .rejects.toThrow(/this join code is for vault [0-9a-f]+, but .* holds vault/);
    expect(() => parseJoinCode('coffer-join1:abc', Date.now())).toThrow(/cut short or damaged/);

    // The real code still works after all that (the refusals left nothing behind), and a reader pulls but does not commit.
    const { vault: c } = await joinTeam(carol.env, { code: invite.code, folder: carol.folder, identityRef: `file:${carol.identityFile}` });
    open.push(c);
    await writeFile(join(carol.folder, 'reader.txt'), 'not to be committed');
    const headBefore = (await c.manifest.readHead())!.head.rootId;
    const r = await syncOnce(c);
    expect(r.warnings.join('\n')).toMatch(/reader role\): \d+ local changes were not committed/);
    const after = (await c.manifest.readHead())!.head;
    expect(after.rootId).toBe(headBefore);
    expect((await c.manifest.readTree(await c.manifest.readRoot(after.rootId))).has('reader.txt')).toBe(false);
  });

  it("a removed member's commits are refused by the others, and its own client says why", async () => {
    const dan = await t.client('dan');
    const invite = await inviteMember(a, { name: 'dan', role: 'writer' });
    const { vault: d } = await joinTeam(dan.env, { code: invite.code, folder: dan.folder, identityRef: `file:${dan.identityFile}` });
    await d.close();
    await removeMember(a, 'dan');
    const before = (await a.manifest.readHead())!.head;

    const d2 = await openVault(dan.env, dan.folder);
    open.push(d2);
    await expect(syncOnce(d2)).rejects.toThrow(/you were removed from this vault by \S+ on \d{4}-/);
    // A modified client that signs and commits anyway: the others do not build on its root.
    const danId = (d2.key as LocalManagedKey).memberIdentity()!;
    d2.manifest.signer = { member: danId.member, sign: (data) => signBytes(danId, data).toString('base64url') };
    const time = new Date().toISOString();
    const root = await d2.manifest.writeRoot(new Map(), null, { device: d2.settings.deviceId, seq: 1, time, generation: before.generation + 1 });
    const etag = (await d2.store.head(HEAD_KEY))!.etag!;
    await d2.manifest.commitHead(root, etag, before.generation + 1, time);

    const head = (await a.manifest.readHead())!.head;
    expect(head.rootId).toBe(root.rootId);
    const verdict = await acceptedHead(a.manifest, head, current().doc);
    expect(verdict.refused).toHaveLength(1);
    expect(verdict.refused[0]).toMatch(new RegExp(`commit ${root.rootId} by dan/.* was refused: dan was removed from this vault by \\S+ on`));
    // Its root had no parent: nothing of it is accepted, so the others keep their own view.
    expect(verdict.root).toBeNull();
  });
});

describe('devices and roles (file:// remote)', () => {
  it('a removed device: new generation, its own client stops, and its later commits are refused; demoting a writer to reader', async () => {
    const t = await teamSandbox('file');
    const ann = await t.client('ann');
    const eve = await t.client('eve');
    const vaults: OpenVault[] = [];
    try {
      await writeFile(join(ann.folder, 'a.txt'), 'alpha');
      const a = (await initVault(ann.env, { folder: ann.folder, remote: t.remote, keyRef: 'passphrase' })).vault;
      vaults.push(a);
      await syncOnce(a);
      const invite = await inviteMember(a, { name: 'eve', role: 'writer' });
      const { vault: e } = await joinTeam(eve.env, { code: invite.code, folder: eve.folder, identityRef: `file:${eve.identityFile}` });
      vaults.push(e);
      await writeFile(join(eve.folder, 'e.txt'), 'from eve');
      await syncOnce(e);
      const eveDevice = e.settings.deviceId;

      const { generation } = await removeDevice(a, eveDevice);
      expect(generation).toBe(2);
      const e2 = await openVault(eve.env, eve.folder);
      vaults.push(e2);
      await expect(syncOnce(e2)).rejects.toThrow(/this device was removed from the vault by \S+ on/);
      // A client that commits anyway from that device: refused by the others.
      const head0 = (await a.manifest.readHead())!;
      const time = new Date(Date.now() + 1000).toISOString();
      const tree = (await e2.tree()).tree;
      const root = await e2.manifest.writeRoot(tree, await e2.manifest.readRoot(head0.head.rootId), { device: eveDevice, seq: 9, time, generation: head0.head.generation + 1 });
      await e2.manifest.commitHead(root, head0.etag, head0.head.generation + 1, time);
      const verdict = await acceptedHead(a.manifest, (await a.manifest.readHead())!.head, teamSessionOf(a.manifest)!.membership!.doc);
      expect(verdict.refused[0]).toMatch(new RegExp(`by eve/${eveDevice} was refused: device ${eveDevice} was removed on`));
      expect(verdict.root?.rootId).toBe(head0.head.rootId);

      // Demoted to reader: her client (on a device of her own) no longer commits.
      const r = await setMemberRole(a, 'eve', 'reader');
      expect(r.member.role).toBe('reader');
      expect(r.recoveryKey).toBeUndefined();
      expect((await teamView(a)).members.find((m) => m.name === 'eve')?.role).toBe('reader');
    } finally {
      for (const v of vaults) await v.close();
      await t.cleanup();
    }
  });

  it('two admins changing the team at once: the one who lost the create-only write re-reads and applies its change again', async () => {
    const t = await teamSandbox('file');
    const ann = await t.client('ann');
    const bob = await t.client('bob');
    const vaults: OpenVault[] = [];
    try {
      const a = (await initVault(ann.env, { folder: ann.folder, remote: t.remote, keyRef: 'passphrase' })).vault;
      vaults.push(a);
      const toBob = await inviteMember(a, { name: 'bob', role: 'admin' });
      const { vault: b } = await joinTeam(bob.env, { code: toBob.code, folder: bob.folder, identityRef: `file:${bob.identityFile}` });
      vaults.push(b);
      const stale = teamSessionOf(a.manifest)!.membership!.doc.version;
      await inviteMember(b, { name: 'cat', role: 'writer' });
      // Ann's session still has the version before Bob's: her write of the same version loses, then succeeds after.
      expect(teamSessionOf(a.manifest)!.membership!.doc.version).toBe(stale);
      await inviteMember(a, { name: 'dan', role: 'reader' });
      const names = (await teamView(a)).members.map((m) => m.name);
      expect(names).toEqual(expect.arrayContaining(['bob', 'cat', 'dan']));
      expect(teamSessionOf(a.manifest)!.membership!.doc.version).toBe(stale + 2);
    } finally {
      for (const v of vaults) await v.close();
      await t.cleanup();
    }
  });
});
