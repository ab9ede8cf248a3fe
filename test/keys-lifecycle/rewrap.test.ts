import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { rewrapVault, type RewrapProgress } from '../../src-main/engine/vault/rewrap.ts';
import { messageKeyVersions } from '../../src-main/engine/vault/edk-versions.ts';
import { readAll } from '../../src-main/engine/store/body.ts';
import { MessageBounds } from '../../src-main/engine/crypto/message-bounds.ts';
import { quickCheck, referencedObjects } from '../../src-main/engine/verify/quick-check.ts';
import { LocalManagedKey, type ManagedKey } from '../../src-main/engine/keys/managed-key.ts';
import { VaultDecryptKeyring } from '../../src-main/engine/keys/vault-keyrings.ts';
import { initVault, sandbox, snapshot, type Sandbox } from '../engine/harness.ts';
import { seededBytes } from '../support/seeded-bytes.ts';

/** The Encryption SDK messages of an object, back to back: one, or a chunk pack's many (FORMAT.md §3.4). */
function messagesOf(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let rest = bytes; rest.length > 0;) {
    const bounds = new MessageBounds('object');
    try {
      bounds.push(rest);
    } catch {
      // Bytes after the first message: the next message of the pack.
    }
    if (bounds.end === null) return [...out, rest];
    out.push(rest.subarray(0, bounds.end));
    rest = rest.subarray(bounds.end);
  }
  return out;
}

/** Key versions of every sealed object in the bucket (objects/ and head), by key: of all its messages. */
async function versionsInBucket(vault: LocalVault): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const versionsOf = (bytes: Buffer) => [...new Set(messagesOf(bytes).flatMap((m) => messageKeyVersions(m)))].sort((a, b) => a - b);
  for await (const o of vault.store.list('objects/')) out.set(o.key, versionsOf(await readAll(await vault.store.get(o.key))));
  out.set('head', versionsOf(await readAll(await vault.store.get('head'))));
  // The chunking secret (format 3, made by the first chunked file) is re-sealed like the objects.
  if (await vault.slots.head('keys/chunking')) out.set('keys/chunking', versionsOf(await readAll(await vault.slots.get('keys/chunking'))));
  return out;
}

/** The vault's key, except that it can unwrap with the newest version only. */
function newestOnly(key: ManagedKey): ManagedKey {
  const set = (key as LocalManagedKey).keySet();
  const newest = set.versions.filter((v) => v.version === set.current);
  const listener = { used: async () => undefined, failed: async () => undefined };
  const k = Object.create(key) as ManagedKey;
  k.decryptKeyring = async () => new VaultDecryptKeyring(set.vaultId, newest, listener);
  return k;
}

describe('coffer keys rewrap (engine)', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('re-seals every old object under the newest version, resumably; restore is byte-identical with only that version', async () => {
    sb = await sandbox();
    const f = sb.folder;
    await mkdir(join(f, 'docs'), { recursive: true });
    for (let i = 0; i < 12; i++) await writeFile(join(f, `docs/note-${i}.txt`), `note ${i} ${randomBytes(8).toString('hex')}`);
    // Seeded and 8 MiB: several chunks on every run, all in one chunk pack whose every message is re-sealed.
    await writeFile(join(f, 'big.bin'), seededBytes('rewrap big.bin', 8 * 1024 * 1024 + 5));
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    await syncer.sync();
    await writeFile(join(f, 'docs/note-0.txt'), 'changed once'); // a second root: history to keep readable
    // A second chunk pack, so the interrupted first run (two objects) cannot cover every object the later checks need.
    await writeFile(join(f, 'big2.bin'), seededBytes('rewrap big2.bin', 3 * 1024 * 1024));
    await syncer.sync();
    await vault.key.rotate();
    await writeFile(join(f, 'after-rotation.txt'), 'new data, version 2');
    await syncer.sync();
    await syncer.close();

    const before = await versionsInBucket(vault);
    const oldKeys = [...before].filter(([, v]) => v.includes(1)).map(([k]) => k);
    expect(oldKeys.length).toBeGreaterThan(3);
    expect([...before.values()].some((v) => v.includes(2))).toBe(true);
    // The control: before the rewrap, a key set holding only version 2 cannot read the vault.
    const limited = new LocalVault({ env: sb.env, vaultId: vault.vaultId, paths: vault.paths, stores: vault.stores, store: vault.store, key: newestOnly(vault.key), audit: vault.audit, settings: vault.settings });
    const early = await limited.restore(join(sb.root, 'too-early')).catch((err: Error) => ({ problems: [err.message] }));
    expect(JSON.stringify(early.problems)).toMatch(/version 1, which this key set does not hold/);
    await expect(rewrapVault(vault, { toVersion: 1 })).rejects.toThrow(/only the current key version \(2\) wraps new data keys/);

    // First run dies after two objects; the second picks up where it stopped.
    const crash = (p: RewrapProgress) => {
      if (p.rewrapped >= 2) throw new Error('simulated crash');
    };
    await expect(rewrapVault(vault, { onProgress: crash, concurrency: 1 })).rejects.toThrow('simulated crash');
    const progressFile = join(vault.paths.dir, 'rewrap-progress.jsonl');
    const firstRunKeys = (await readFile(progressFile, 'utf8')).split('\n').filter(Boolean).slice(1);
    expect(firstRunKeys.length).toBeGreaterThanOrEqual(2);
    const seen: RewrapProgress[] = [];
    const report = await rewrapVault(vault, { onProgress: (p) => seen.push(p) });
    expect(report.toVersion).toBe(2);
    expect(report.objects).toBeGreaterThan(0);
    expect(report.objects).toBeLessThan(oldKeys.length); // the first run's objects were not redone
    expect(report.objects + report.skipped).toBe(before.size - 1); // everything but the head was looked at
    expect(seen.at(-1)).toMatchObject({ done: seen.at(-1)!.total });
    await expect(stat(progressFile)).rejects.toMatchObject({ code: 'ENOENT' });

    const after = await versionsInBucket(vault);
    for (const k of before.keys()) expect(after.has(k)).toBe(true); // re-sealed in place, same ids
    for (const [k, v] of after) expect({ k, v }).toEqual({ k, v: [2] });
    const { tree } = await vault.tree();
    for (const e of tree.values()) if (e.type === 'file') expect(e.keyVersion).toBe(2);
    // The new root records the re-sealed objects' checksums, so a HEAD-only check confirms every object
    // the second run looked at; what the interrupted first run handled has no record any more (counted as
    // not checkable, never a false mismatch).
    const walked = await referencedObjects(vault.manifest, (await vault.manifest.readHead())!.head.rootId, { now: Date.now() });
    expect(walked).toMatchObject({ missing: [], bad: [] });
    const refs = walked.refs;
    const quick = await quickCheck(vault.store, refs);
    expect(quick).toMatchObject({ missing: [], bad: [] });
    const laterRefs = refs.filter((r) => !firstRunKeys.includes(r.key));
    expect(laterRefs.length).toBeGreaterThan(0);
    expect((await quickCheck(vault.store, laterRefs)).confirmed).toBe(laterRefs.length);

    // A key set holding only version 2 reads everything, history included.
    const out = join(sb.root, 'restored');
    expect((await limited.restore(out)).problems).toEqual([]);
    expect(await snapshot(out)).toEqual(await snapshot(f));
    const firstVersions = await limited.versions('docs/note-0.txt');
    expect(firstVersions.length).toBe(2);
    expect((await limited.restore(join(sb.root, 'past'), { path: 'docs/note-0.txt', at: new Date(Date.parse(firstVersions.at(-1)!.time)) })).problems).toEqual([]);

    // A later sync still works on top of the rewrap root, and a second rewrap has nothing to do.
    await writeFile(join(f, 'later.txt'), 'later');
    const s2 = new VaultSyncer(vault);
    expect((await s2.sync()).complete).toBe(true);
    await s2.close();
    expect((await rewrapVault(vault)).objects).toBe(0);

    const audit = await vault.audit.list();
    expect(audit.filter((e) => e.op === 'rewrap' && e.version === 2)).toHaveLength(2);
    expect(await vault.audit.verify()).toEqual({ ok: true });
    await vault.close();
  });
});
