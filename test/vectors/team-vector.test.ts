// The team parts of the format 2 vector (test/vectors/v2/README.md), on top of the generic checks of
// vectors.test.ts: the membership chain verifies from the creator key, the head root is accepted and
// signed by bob, and bob's identity file opens his member key slot on a new machine.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmod, copyFile, mkdtemp, readFile, rm, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemoteVault } from '../../src-main/engine/vault/vault.ts';
import { loadMembership } from '../../src-main/engine/team/load-membership.ts';
import { acceptedHead } from '../../src-main/engine/team/accepted-head.ts';
import { readSecretArg } from '../../src-main/cli/context.ts';
import { listTree, type ListedEntry } from './tree-listing.ts';

interface TeamExpected {
  vaultId: string;
  team: {
    descriptorVersion: number; creatorKey: string; ownerId: string; bobId: string; memberIds: string[];
    membershipVersion: number; headAuthor: string; headGeneration: number;
  };
  snapshots: { index: number; rootId: string; time: string; author: string | null; generation: number | null; entries: ListedEntry[] }[];
}

const dir = fileURLToPath(new URL('./v2/', import.meta.url));

describe('format vector v2: the team', () => {
  let work: string;
  let remote: string;
  let expected: TeamExpected;
  let recoveryKey: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'coffer-vector-team-'));
    remote = `file://${join(work, 'bucket')}`;
    await cp(join(dir, 'bucket'), join(work, 'bucket'), { recursive: true });
    expected = JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')) as TeamExpected;
    recoveryKey = await readSecretArg(`@${join(dir, 'recovery-kit.txt')}`);
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('has a version 2 descriptor, the membership versions, member slots and device records', async () => {
    const descriptor = JSON.parse(await readFile(join(dir, 'bucket/coffer-vault.json'), 'utf8')) as { version: number; vaultId: string };
    expect(descriptor).toEqual({ format: 'coffer-vault', version: expected.team.descriptorVersion, vaultId: expected.vaultId });
    expect(expected.team.descriptorVersion).toBe(2);
    for (let v = 1; v <= expected.team.membershipVersion; v++) {
      await expect(readFile(join(dir, 'bucket/team/m', String(v).padStart(8, '0')))).resolves.toBeInstanceOf(Buffer);
    }
    for (const id of expected.team.memberIds) await expect(readFile(join(dir, 'bucket/keys/members', id))).resolves.toBeInstanceOf(Buffer);
  });

  it('verifies the membership chain from the creator key and accepts the head root, signed by bob', async () => {
    const vault = await RemoteVault.open({ home: await mkdtemp(join(work, 'home-chain-')) }, { remote, recoveryKey });
    try {
      const membership = await loadMembership({
        store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId,
        stateDir: await mkdtemp(join(work, 'state-')), creatorKey: expected.team.creatorKey,
      });
      expect(membership).not.toBeNull();
      expect(membership!.doc.version).toBe(expected.team.membershipVersion);
      expect(membership!.doc.members.map((m) => m.id)).toEqual(expected.team.memberIds);
      expect(membership!.doc.members[0]!.signKey).toBe(expected.team.creatorKey);
      const bob = membership!.doc.members.find((m) => m.id === expected.team.bobId)!;
      expect([bob.name, bob.role, bob.status]).toEqual(['bob', 'writer', 'active']);

      // A different creator key does not verify the chain.
      await expect(loadMembership({
        store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId,
        stateDir: await mkdtemp(join(work, 'state-other-')), creatorKey: bob.signKey,
      })).rejects.toThrow();

      const head = (await vault.manifest.readHead())!.head;
      expect(head.generation).toBe(expected.team.headGeneration);
      const accepted = await acceptedHead(vault.manifest, head, membership!.doc);
      expect(accepted.refused).toEqual([]);
      expect(accepted.root?.rootId).toBe(expected.snapshots.at(-1)!.rootId);
      expect(accepted.root?.author?.member).toBe(expected.team.headAuthor);
      expect(expected.team.headAuthor).toBe(expected.team.bobId);
      for (const snap of expected.snapshots) {
        const root = await vault.manifest.readRoot(snap.rootId);
        expect(root.author?.member ?? null).toBe(snap.author);
        expect(root.generation ?? null).toBe(snap.generation);
      }
    } finally {
      await vault.close();
    }
  });

  it("opens bob's member slot with his identity file and restores the head snapshot byte for byte", async () => {
    const identity = join(work, 'bob.identity');
    await copyFile(join(dir, 'member-bob.identity'), identity);
    await chmod(identity, 0o600);
    const vault = await RemoteVault.open({ home: await mkdtemp(join(work, 'home-bob-')) }, { remote, keyRef: `member:${expected.vaultId}:${identity}` });
    try {
      expect(vault.vaultId).toBe(expected.vaultId);
      const last = expected.snapshots.at(-1)!;
      expect((await vault.tree()).rootId).toBe(last.rootId);
      const to = await mkdtemp(join(work, 'restore-bob-'));
      const report = await vault.restore(to, {});
      expect(report.problems).toEqual([]);
      expect(report.snapshot).toEqual({ rootId: last.rootId, time: last.time });
      expect(await listTree(to)).toEqual(last.entries);
    } finally {
      await vault.close();
    }
  });
});
