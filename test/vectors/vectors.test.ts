// Every committed format vector (test/vectors/v*/, see its README.md) must still open, list, verify and
// restore byte-identically on a new machine, from a copy of its bucket, with the recovery key and with the
// passphrase. A vector is never regenerated; a format change adds a new one beside the old.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ReadableVault, RemoteVault } from '../../src-main/engine/vault/vault.ts';
import type { VaultEnv } from '../../src-main/engine/vault/remote-vault.ts';
import { MANIFEST_FORMAT } from '../../src-main/engine/manifest/schema.ts';
import { encodeName } from '../../src-main/engine/fsx/raw-name.ts';
import { readSecretArg } from '../../src-main/cli/context.ts';
import { listTree, type ListedEntry } from './tree-listing.ts';

interface Expected {
  format: number;
  vaultId: string;
  snapshots: { index: number; rootId: string; time: string; entries: ListedEntry[] }[];
}

const here = fileURLToPath(new URL('.', import.meta.url));
const vectors = (await readdir(here, { withFileTypes: true })).filter((d) => d.isDirectory() && /^v\d+$/.test(d.name)).map((d) => d.name).sort();

it('finds the committed vectors', () => {
  expect(vectors).toContain('v1');
  expect(vectors).toContain('v2');
  expect(vectors).toContain('v3');
  expect(vectors).toContain('v4');
  expect(vectors).toContain('v5');
});

describe.each(vectors)('format vector %s', (name) => {
  const dir = join(here, name);
  let work: string;
  let remote: string;
  let expected: Expected;
  let passphrase: string;
  let recoveryKey: string;
  /** A machine that never saw this vault: its own empty COFFER_HOME. */
  const newMachine = async (label: string, withPassphrase: boolean): Promise<VaultEnv> => ({
    home: await mkdtemp(join(work, `home-${label}-`)),
    ...(withPassphrase ? { passphrase: async () => passphrase } : {}),
  });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), `coffer-vector-${name}-`));
    // The committed bucket is never opened in place: a reader must not be able to change it.
    remote = `file://${join(work, 'bucket')}`;
    await cp(join(dir, 'bucket'), join(work, 'bucket'), { recursive: true });
    expected = JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')) as Expected;
    passphrase = (await readFile(join(dir, 'passphrase.txt'), 'utf8')).replace(/\n$/, '');
    recoveryKey = await readSecretArg(`@${join(dir, 'recovery-kit.txt')}`);
    expect(existsSync(join(dir, 'README.md'))).toBe(true);
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  const restoresEverySnapshot = async (vault: ReadableVault) => {
    expect(vault.vaultId).toBe(expected.vaultId);
    const head = await vault.manifest.readHead();
    expect(head?.head.format).toBe(expected.format);
    const roots = [];
    for await (const root of vault.manifest.roots(head!.head.rootId)) roots.push(root);
    expect(roots.map((r) => r.format)).toEqual(roots.map(() => expected.format));
    // Newest first in the bucket, oldest first in expected.json.
    expect(roots.map((r) => [r.rootId, r.time]).reverse()).toEqual(expected.snapshots.map((s) => [s.rootId, s.time]));

    for (const snap of expected.snapshots) {
      const newest = snap === expected.snapshots[expected.snapshots.length - 1];
      const to = await mkdtemp(join(work, `restore-${snap.index}-`));
      const report = await vault.restore(to, newest ? {} : { at: new Date(snap.time) });
      expect(report.problems).toEqual([]);
      expect(report.snapshot).toEqual({ rootId: snap.rootId, time: snap.time });
      expect(await listTree(to)).toEqual(snap.entries);
    }
  };

  it('opens with the recovery key on a new machine, lists, verifies and restores every snapshot byte for byte', async () => {
    const vault = await RemoteVault.open(await newMachine('recovery', false), { remote, recoveryKey });
    try {
      const { tree, rootId } = await vault.tree();
      const last = expected.snapshots[expected.snapshots.length - 1]!;
      expect(rootId).toBe(last.rootId);
      // The head snapshot lists every path of the newest expected tree (names as bytes, see listTree).
      // The tree holds names as strings with escaped bytes (FORMAT.md §5.1.1): compare their bytes.
      const listed = [...tree.keys()].map((p) => encodeName(p).toString('base64')).sort();
      expect(listed).toEqual(last.entries.map((e) => e.pathBase64 ?? Buffer.from(e.path!).toString('base64')).sort());
      await restoresEverySnapshot(vault);

      const report = await vault.verify();
      expect(report.bad).toEqual([]);
      expect(report.unreferenced.count).toBe(0);
      expect(report.snapshotsChecked).toBe(expected.snapshots.length);
      expect(report.keySlots.filter((s) => s.state !== 'ok' && s.state !== 'unchecked')).toEqual([]);
      expect(report.keySlots.find((s) => s.slot === 'recovery')?.state).toBe('ok');
    } finally {
      await vault.close();
    }
  });

  it('opens with the passphrase on a new machine and restores every snapshot byte for byte', async () => {
    const vault = await RemoteVault.open(await newMachine('passphrase', true), { remote, keyRef: 'passphrase' });
    try {
      await restoresEverySnapshot(vault);
      const report = await vault.verify();
      expect(report.bad).toEqual([]);
      expect(report.keySlots.find((s) => s.slot === 'passphrase')?.state).toBe('ok');
    } finally {
      await vault.close();
    }
  });

  it('lists the versions of a file that changed and of one that was deleted', async () => {
    const vault = await RemoteVault.open(await newMachine('versions', false), { remote, recoveryKey });
    try {
      const [first, last] = [expected.snapshots[0]!, expected.snapshots[expected.snapshots.length - 1]!];
      const files = (s: typeof first) => new Map(s.entries.filter((e) => e.type === 'file' && e.path).map((e) => [e.path!, e]));
      const [before, after] = [files(first), files(last)];
      const changed = [...after.keys()].filter((p) => before.has(p) && before.get(p)!.sha256 !== after.get(p)!.sha256);
      const deleted = [...before.keys()].filter((p) => !after.has(p));
      expect(changed.length).toBeGreaterThan(0);
      expect(deleted.length).toBeGreaterThan(0);
      for (const p of changed) {
        const versions = await vault.versions(p);
        expect(versions.map((v) => v.entry?.hash)).toEqual([after.get(p)!.sha256, before.get(p)!.sha256]);
      }
      for (const p of deleted) {
        const versions = await vault.versions(p);
        expect(versions.map((v) => v.entry?.hash ?? null)).toEqual([null, before.get(p)!.sha256]);
      }
    } finally {
      await vault.close();
    }
  });

  it(`holds a vault of manifest format ${MANIFEST_FORMAT} or older, which this version still reads`, () => {
    expect(expected.format).toBeLessThanOrEqual(MANIFEST_FORMAT);
  });
});
