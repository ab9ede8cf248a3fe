// Writes a format test vector (test/vectors/README.md): a vault on a file:// remote, made by the real
// engine from a seeded source tree in two snapshots, with its passphrase, recovery kit and expected.json.
//   node --import ./test/support/ts-loader.mjs scripts/make-vector.ts <out-dir>          (format 1: one device)
//   node --import ./test/support/ts-loader.mjs scripts/make-vector.ts <out-dir> --team   (format 2: a team)
//   node --import ./test/support/ts-loader.mjs scripts/make-vector.ts <out-dir> --chunks (format 3: CDC chunks, padding;
//     made at a commit before chunk packs: today's engine writes format 4)
//   node --import ./test/support/ts-loader.mjs scripts/make-vector.ts <out-dir> --packs  (chunk packs of 2 MiB, padding: format 5,
//     the chunking parameters recorded with the secret; v4 was made at a commit before them)
// A committed vector is never regenerated: a format change writes a new v<N> folder beside the old ones.
import { createHash } from 'node:crypto';
import { chmod, cp, lutimes, mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalVault } from '../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../src-main/engine/vault/vault-sync.ts';
import { DEFAULT_TUNING } from '../src-main/engine/sync/content-uploader.ts';
import { recoveryKitText } from '../src-main/cli/commands/init.ts';
import { listTree, type ListedEntry } from '../test/vectors/tree-listing.ts';
import { initVault, inviteMember, joinTeam, syncOnce, type OpenVault } from '../src-main/engine/api.ts';
import { teamSessionOf } from '../src-main/engine/team/team-session.ts';

const PASSPHRASE = 'coffer test vector v1: not a secret';
/** The cheapest scrypt a reader accepts (FORMAT.md §4, N = 2^10): the vector's test stays fast. */
const VECTOR_KDF = { N: 2 ** 10, r: 8, p: 1 };
/** The remote folder's bookkeeping (FORMAT.md §1): readers ignore it, and its checksums name mtimes. */
const STORE_BOOKKEEPING = new Set(['.coffer-tmp', '.coffer-locks', '.coffer-sums']);

const outArg = process.argv[2];
const team = process.argv.slice(3).includes('--team');
const packs = process.argv.slice(3).includes('--packs');
const chunks = packs || process.argv.slice(3).includes('--chunks');
if (!outArg) {
  console.error('usage: node --import ./test/support/ts-loader.mjs scripts/make-vector.ts <out-dir> [--team | --chunks | --packs]');
  process.exit(2);
}
const out = resolve(outArg);
if ((await readdir(out).catch(() => [])).length > 0) {
  console.error(`${out} is not empty: a committed vector is never regenerated (add a new v<N> instead)`);
  process.exit(1);
}

/** Seeded bytes: SHA-256 in counter mode over a label, so every run writes the same source tree. */
function seeded(label: string, size: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < size; i++) blocks.push(createHash('sha256').update(`${label}\0${i}`).digest());
  return Buffer.concat(blocks).subarray(0, size);
}

const T0 = Date.UTC(2026, 0, 1); // mtimes, fixed so expected.json is the same on every run
const work = await mkdtemp(join(tmpdir(), 'coffer-vector-'));
const src = join(work, 'source');
const bucket = join(work, 'bucket');
const home = join(work, 'home');
const at = (rel: string | Buffer) => Buffer.concat([Buffer.from(`${src}/`), Buffer.from(rel)]);

async function put(rel: string | Buffer, content: Buffer | string, mode = 0o644, minute = 0): Promise<void> {
  await writeFile(at(rel), content);
  await chmod(at(rel), mode);
  await utimes(at(rel), new Date(T0 + minute * 60_000), new Date(T0 + minute * 60_000));
}

try {
  for (const dir of ['', 'notes', 'notes/deep', 'notes/deep/nested', 'empty-folder']) {
    await mkdir(at(dir), { recursive: true });
    await chmod(at(dir), 0o755);
  }
  await put('notes/hello.txt', `Hello from Coffer format version ${packs ? 5 : chunks ? 3 : team ? 2 : 1}.\n`, 0o644, 1);
  await put('notes/deep/nested/data.bin', seeded('data.bin', 5000), 0o644, 2);
  await put('small-a.txt', seeded('small-a', 700).toString('hex'), 0o644, 3);
  await put('small-b.bin', seeded('small-b', 3000), 0o600, 4);
  await put('changes.txt', 'first version\n', 0o644, 5);
  await put('deleted-later.txt', 'present only in the first snapshot\n', 0o644, 6);
  await put('empty.txt', '', 0o644, 7);
  await put('run.sh', '#!/bin/sh\necho coffer\n', 0o755, 8);
  await put(Buffer.from('caf\xe9.txt', 'latin1'), 'a name in Latin-1, not UTF-8\n', 0o644, 9);
  // One byte over the pack limit: the smallest file stored as its own data object.
  await put('large.bin', seeded('large.bin', DEFAULT_TUNING.packFileMax + 1), 0o644, 10);
  // Format 3: a file cut into several content-defined chunks; snapshot 2 edits its middle.
  if (chunks) await put('video.bin', seeded('video.bin', 6 * 1024 * 1024 + 123), 0o644, 12);
  await symlink('notes/hello.txt', at('link-to-hello'));
  await lutimes(at('link-to-hello'), new Date(T0 + 11 * 60_000), new Date(T0 + 11 * 60_000));

  if (team) {
    await writeTeamVector();
  } else {
    const env = { home, passphrase: async () => PASSPHRASE, kdf: VECTOR_KDF };
    const remote = `file://${bucket}`;
    const { vault, recoveryKey } = await LocalVault.init(env, { folder: src, remote, keyRef: 'passphrase' });
    // Format 3's vector pads its objects (FORMAT.md §3.5), so a reader must skip the zeros.
    // Format 4's uses 2 MiB chunk packs, so its 6 MiB file spans several.
    const syncer = new VaultSyncer(vault, chunks ? { tuning: { padding: 'padme', ...(packs ? { chunkPackBytes: 2 * 1024 * 1024 } : {}) } } : {});
    const snapshots: { rootId: string; time: string; entries: ListedEntry[] }[] = [];
    const syncOnce = async () => {
      const r = await syncer.sync();
      if (!r.complete || r.problems.length > 0) throw new Error(`the sync was incomplete: ${JSON.stringify(r.problems)}`);
      const { rootId, time } = await vault.tree();
      snapshots.push({ rootId: rootId!, time: time!, entries: await listTree(src) });
    };
    await syncOnce();
    await put('changes.txt', 'second version, longer than the first\n', 0o644, 20);
    await unlink(at('deleted-later.txt'));
    if (chunks) {
      const video = seeded('video.bin', 6 * 1024 * 1024 + 123);
      seeded('video.bin edit', 100_000).copy(video, 3 * 1024 * 1024);
      await put('video.bin', video, 0o644, 21);
    }
    await syncOnce();
    await syncer.close();
    await vault.close();
    if (snapshots[0]!.time >= snapshots[1]!.time) throw new Error('the two snapshots have the same time; run again');

    await mkdir(out, { recursive: true });
    await cp(bucket, join(out, 'bucket'), { recursive: true, filter: (from) => !STORE_BOOKKEEPING.has(from.slice(bucket.length + 1).split('/')[0]!) });
    await writeFile(join(out, 'passphrase.txt'), `${PASSPHRASE}\n`);
    await writeFile(join(out, 'recovery-kit.txt'), recoveryKitText(vault.vaultId, 'file:///<a copy of this folder>/bucket', recoveryKey));
    // The version the engine wrote (3 at the commit that made v3, 4 for v4, 5 from the chunking parameters on).
    const { version: descriptorVersion } = JSON.parse(await readFile(join(bucket, 'coffer-vault.json'), 'utf8')) as { version: number };
    const expected = {
      format: 1, vaultId: vault.vaultId, kdf: VECTOR_KDF, ...(chunks ? { descriptorVersion, padding: 'padme' } : {}),
      snapshots: snapshots.map((s, i) => ({ index: i + 1, ...s })),
    };
    await writeFile(join(out, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
    console.log(`wrote ${out}: vault ${vault.vaultId}, ${snapshots.length} snapshots`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

/**
 * Format 2 (FORMAT.md §Team): the owner inits with a passphrase and syncs, invites a writer "bob" (the join
 * code carries his one-time identity), bob joins with an identity file into his own COFFER_HOME and folder,
 * changes a file, deletes one and syncs: the head is a root signed by bob. Every root of the chain is listed
 * in expected.json, oldest first (the owner's unsigned first root, the signed re-commit that starting the
 * team makes, and bob's).
 */
async function writeTeamVector(): Promise<void> {
  const PASS2 = 'coffer test vector v2: not a secret';
  const bobHome = join(work, 'bob-home');
  const bobFolder = join(work, 'bob-folder');
  const identityFile = join(work, 'bob.identity');
  await mkdir(bobFolder, { recursive: true });
  const remote = `file://${bucket}`;
  const ownerEnv = { home, passphrase: async () => PASS2, kdf: VECTOR_KDF };
  const bobEnv = { home: bobHome, passphrase: async () => 'bob passphrase (unused)', kdf: VECTOR_KDF };
  const open: OpenVault[] = [];
  const ok = (r: Awaited<ReturnType<typeof syncOnce>>) => {
    if (!r.complete || r.errors > 0) throw new Error(`the sync was incomplete: ${JSON.stringify(r)}`);
  };
  /** Tree listings by root id: every root the chain holds gets the listing of the folder it was made from. */
  const listings = new Map<string, ListedEntry[]>();
  const note = async (v: OpenVault, folder: string) => {
    const head = (await v.manifest.readHead())!.head;
    if (!listings.has(head.rootId)) listings.set(head.rootId, await listTree(folder));
  };
  try {
    const { vault: owner, recoveryKey } = await initVault(ownerEnv, { folder: src, remote, keyRef: 'passphrase' });
    open.push(owner);
    ok(await syncOnce(owner));
    await note(owner, src);
    const invite = await inviteMember(owner, { name: 'bob', role: 'writer' });
    await note(owner, src);
    const { vault: bob, memberId } = await joinTeam(bobEnv, { code: invite.code, folder: bobFolder, identityRef: `file:${identityFile}` });
    open.push(bob);
    await note(bob, bobFolder);
    await writeFile(join(bobFolder, 'changes.txt'), 'second version, written by bob\n');
    await chmod(join(bobFolder, 'changes.txt'), 0o644);
    await utimes(join(bobFolder, 'changes.txt'), new Date(T0 + 20 * 60_000), new Date(T0 + 20 * 60_000));
    await unlink(join(bobFolder, 'deleted-later.txt'));
    ok(await syncOnce(bob));
    await note(bob, bobFolder);

    const head = (await bob.manifest.readHead())!.head;
    const chain = [];
    for await (const root of bob.manifest.roots(head.rootId)) chain.push(root);
    chain.reverse();
    if (chain.at(-1)!.author?.member !== memberId) throw new Error('the head root is not signed by bob');
    const times = chain.map((r) => r.time);
    if (new Set(times).size !== times.length) throw new Error('two snapshots have the same time; run again');
    const snapshots = chain.map((r, i) => {
      const entries = listings.get(r.rootId);
      if (!entries) throw new Error(`root ${r.rootId} was not made by a step of this script`);
      return { index: i + 1, rootId: r.rootId, time: r.time, author: r.author?.member ?? null, generation: r.generation ?? null, entries };
    });
    const membership = teamSessionOf(bob.manifest)!.membership!;
    const members = membership.doc.members;
    for (const v of open.splice(0)) await v.close();

    await mkdir(out, { recursive: true });
    await cp(bucket, join(out, 'bucket'), { recursive: true, filter: (from) => !STORE_BOOKKEEPING.has(from.slice(bucket.length + 1).split('/')[0]!) });
    await writeFile(join(out, 'passphrase.txt'), `${PASS2}\n`);
    await writeFile(join(out, 'recovery-kit.txt'), recoveryKitText(owner.vaultId, 'file:///<a copy of this folder>/bucket', recoveryKey));
    await cp(identityFile, join(out, 'member-bob.identity'));
    const expected = {
      format: head.format, vaultId: owner.vaultId, kdf: VECTOR_KDF,
      team: {
        descriptorVersion: 2,
        creatorKey: members[0]!.signKey,
        ownerId: members[0]!.id,
        bobId: memberId,
        memberIds: members.map((m) => m.id),
        membershipVersion: membership.doc.version,
        headAuthor: memberId,
        headGeneration: head.generation,
      },
      snapshots,
    };
    await writeFile(join(out, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
    console.log(`wrote ${out}: team vault ${owner.vaultId}, ${snapshots.length} snapshots, membership version ${membership.doc.version}`);
  } finally {
    for (const v of open.splice(0)) await v.close();
  }
}
