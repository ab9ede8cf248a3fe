// The format spec stands alone: a reader written only from docs/FORMAT.md Appendix A (independent-reader.ts,
// which imports no Coffer code) opens every frozen vector with its passphrase and with its recovery key,
// lists each snapshot and restores it byte for byte, checked against the vector's own expected.json and
// the same tree listing vectors.test.ts uses.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IndependentReader, nameOf, type Entry } from './independent-reader.ts';
import { listTree, type ListedEntry } from '../vectors/tree-listing.ts';

interface Expected { vaultId: string; snapshots: { rootId: string; time: string; entries: ListedEntry[] }[] }

const vectorsDir = fileURLToPath(new URL('../vectors/', import.meta.url));
const allVectors = (await readdir(vectorsDir, { withFileTypes: true })).filter((d) => d.isDirectory() && /^v\d+$/.test(d.name)).map((d) => d.name).sort();
/** Appendix A reads descriptor versions 1, 3, 4 and 5 (without a team) and refuses any other (A.1): team vaults
 * (version 2) are checked by the engine's own tests (test/vectors), and here only for that refusal. */
const descriptorVersion = async (name: string) => (JSON.parse(await readFile(join(vectorsDir, name, 'bucket/coffer-vault.json'), 'utf8')) as { version: number }).version;
const versions = await Promise.all(allVectors.map(descriptorVersion));
const readable = (v: number) => v === 1 || v === 3 || v === 4 || v === 5;
const vectors = allVectors.filter((_, i) => readable(versions[i]!));
const laterVectors = allVectors.filter((_, i) => !readable(versions[i]!));

it('reads vectors v1, v3, v4 and v5 and refuses the team vector (Appendix A.1)', async () => {
  expect(vectors).toContain('v1');
  expect(vectors).toContain('v3');
  expect(vectors).toContain('v4');
  expect(vectors).toContain('v5');
  expect(laterVectors).toContain('v2');
  for (const name of laterVectors) {
    const passphrase = (await readFile(join(vectorsDir, name, 'passphrase.txt'), 'utf8')).replace(/\n$/, '');
    await expect(IndependentReader.open(join(vectorsDir, name, 'bucket'), { passphrase })).rejects.toThrow('unknown vault format');
  }
});

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** A manifest entry in the form tree-listing.ts gives a folder on disk (names that are not UTF-8 as base64). */
function asListed(e: Entry): ListedEntry {
  const named = (bytes: Buffer, key: 'path' | 'target') => {
    try {
      return { [key]: strictUtf8.decode(bytes) };
    } catch {
      return { [`${key}Base64`]: bytes.toString('base64') };
    }
  };
  const mode = `0${(e.mode & 0o7777).toString(8).padStart(3, '0')}`;
  const base = named(nameOf(e), 'path');
  if (e.type === 'dir') return { ...base, type: 'dir', mode };
  if (e.type === 'symlink') {
    return { ...base, type: 'symlink', mtimeMs: Math.trunc(e.mtimeMs), ...named(e.rawTarget ? Buffer.from(e.rawTarget, 'base64') : Buffer.from(e.target!, 'utf8'), 'target') };
  }
  return { ...base, type: 'file', mode, size: e.size, sha256: e.hash!, mtimeMs: Math.trunc(e.mtimeMs) };
}
const key = (e: ListedEntry) => e.pathBase64 ?? Buffer.from(e.path!).toString('base64');
const sorted = (list: ListedEntry[]) => [...list].sort((a, b) => Buffer.compare(Buffer.from(key(a), 'base64'), Buffer.from(key(b), 'base64')));

describe.each(vectors)('an independent reader opens format vector %s', (name) => {
  const dir = join(vectorsDir, name);
  let work: string;
  let bucket: string;
  let expected: Expected;
  const secrets: Record<string, { recoveryKey: string } | { passphrase: string }> = {};

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), `coffer-independent-${name}-`));
    bucket = join(work, 'bucket');
    await cp(join(dir, 'bucket'), bucket, { recursive: true }); // never opened in place
    expected = JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')) as Expected;
    secrets.passphrase = { passphrase: (await readFile(join(dir, 'passphrase.txt'), 'utf8')).replace(/\n$/, '') };
    // The kit as `coffer init` writes it: the key is on its "recovery key:" line.
    const kit = await readFile(join(dir, 'recovery-kit.txt'), 'utf8');
    secrets['recovery key'] = { recoveryKey: /^recovery key:\s*(\S+)/m.exec(kit)![1]! };
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.each(['recovery key', 'passphrase'])('with the %s: lists and restores every snapshot byte for byte', async (how) => {
    const reader = await IndependentReader.open(bucket, secrets[how]!);
    expect(reader.vaultId).toBe(expected.vaultId);
    const roots = await reader.roots();
    expect(roots.map((r) => [r.rootId, r.time]).reverse()).toEqual(expected.snapshots.map((s) => [s.rootId, s.time]));
    for (const [i, snap] of expected.snapshots.entries()) {
      const root = roots[roots.length - 1 - i]!;
      expect(sorted((await reader.entries(root)).map(asListed))).toEqual(sorted(snap.entries));
      const to = await mkdtemp(join(work, `restore-${how.replace(' ', '-')}-${i}-`));
      await reader.restore(root, to);
      expect(await listTree(to)).toEqual(snap.entries);
    }
  });

  it('refuses a wrong recovery key by its checksum and an object copied over another by its context', async () => {
    const kit = (secrets['recovery key'] as { recoveryKey: string }).recoveryKey;
    const typo = kit.slice(0, -1) + (kit.endsWith('0') ? '1' : '0');
    await expect(IndependentReader.open(bucket, { recoveryKey: typo })).rejects.toThrow('checksum does not match');

    const reader = await IndependentReader.open(bucket, secrets.passphrase!);
    const [newest] = await reader.roots();
    const copy = join(work, 'swapped');
    await cp(bucket, copy, { recursive: true });
    const [seg, rootId] = [newest!.segments[0]!.object, newest!.rootId];
    await cp(join(copy, 'objects', seg.slice(0, 2), seg), join(copy, 'objects', rootId.slice(0, 2), rootId));
    const swapped = await IndependentReader.open(copy, secrets.passphrase!);
    await expect(swapped.roots()).rejects.toThrow('unexpected encryption context');
  });
});
