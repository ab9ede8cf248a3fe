// Writes a format test vector (test/vectors/README.md): a vault on a file:// remote, made by the real
// engine from a seeded source tree in two snapshots, with its passphrase, recovery kit and expected.json.
//   node --import ./test/support/ts-loader.mjs scripts/make-vector.ts <out-dir>
// A committed vector is never regenerated: a format change writes a new v<N> folder beside the old ones.
import { createHash } from 'node:crypto';
import { chmod, cp, lutimes, mkdir, mkdtemp, readdir, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalVault } from '../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../src-main/engine/vault/vault-sync.ts';
import { DEFAULT_TUNING } from '../src-main/engine/sync/content-uploader.ts';
import { recoveryKitText } from '../src-main/cli/commands/init.ts';
import { listTree, type ListedEntry } from '../test/vectors/tree-listing.ts';

const PASSPHRASE = 'coffer test vector v1: not a secret';
/** The cheapest scrypt a reader accepts (FORMAT.md §4, N = 2^10): the vector's test stays fast. */
const VECTOR_KDF = { N: 2 ** 10, r: 8, p: 1 };
/** The remote folder's bookkeeping (FORMAT.md §1): readers ignore it, and its checksums name mtimes. */
const STORE_BOOKKEEPING = new Set(['.coffer-tmp', '.coffer-locks', '.coffer-sums']);

const outArg = process.argv[2];
if (!outArg) {
  console.error('usage: node --import ./test/support/ts-loader.mjs scripts/make-vector.ts <out-dir>');
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
  await put('notes/hello.txt', 'Hello from Coffer format version 1.\n', 0o644, 1);
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
  await symlink('notes/hello.txt', at('link-to-hello'));
  await lutimes(at('link-to-hello'), new Date(T0 + 11 * 60_000), new Date(T0 + 11 * 60_000));

  const env = { home, passphrase: async () => PASSPHRASE, kdf: VECTOR_KDF };
  const remote = `file://${bucket}`;
  const { vault, recoveryKey } = await LocalVault.init(env, { folder: src, remote, keyRef: 'passphrase' });
  const syncer = new VaultSyncer(vault);
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
  await syncOnce();
  await syncer.close();
  await vault.close();
  if (snapshots[0]!.time >= snapshots[1]!.time) throw new Error('the two snapshots have the same time; run again');

  await mkdir(out, { recursive: true });
  await cp(bucket, join(out, 'bucket'), { recursive: true, filter: (from) => !STORE_BOOKKEEPING.has(from.slice(bucket.length + 1).split('/')[0]!) });
  await writeFile(join(out, 'passphrase.txt'), `${PASSPHRASE}\n`);
  await writeFile(join(out, 'recovery-kit.txt'), recoveryKitText(vault.vaultId, 'file:///<a copy of this folder>/bucket', recoveryKey));
  const expected = {
    format: 1, vaultId: vault.vaultId, kdf: VECTOR_KDF,
    snapshots: snapshots.map((s, i) => ({ index: i + 1, ...s })),
  };
  await writeFile(join(out, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
  console.log(`wrote ${out}: vault ${vault.vaultId}, ${snapshots.length} snapshots`);
} finally {
  await rm(work, { recursive: true, force: true });
}
