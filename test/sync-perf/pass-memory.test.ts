import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { ManifestStore } from '../../src-main/engine/manifest/manifest-store.ts';
import { digestOf } from '../../src-main/engine/manifest/shards.ts';
import { toStoredEntry } from '../../src-main/engine/manifest/entry-names.ts';
import { withFields } from '../../src-main/engine/manifest/entry-copy.ts';
import type { FileEntry } from '../../src-main/engine/manifest/schema.ts';
import { FileHistoryLog } from '../../src-main/engine/journal/history-log.ts';
import { HISTORY_BATCH, PassLog } from '../../src-main/engine/sync/pass-log.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { seededBytes } from '../support/seeded-bytes.ts';
import { sandbox, type Sandbox } from '../engine/harness.ts';

// What a pass of many files keeps in memory, and what it makes the next pass redo (bench/RESULTS.md,
// issue 10's memory row). Structural properties only: no sizes or times are asserted.

let sb: Sandbox | undefined;
const open: { close(): Promise<void> }[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  await sb?.cleanup();
  sb = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function syncedVault(): Promise<{ vault: LocalVault; rootId: string }> {
  sb = await sandbox();
  await mkdir(join(sb.folder, 'docs'));
  for (let i = 0; i < 20; i++) await writeFile(join(sb.folder, 'docs', `n${i}.txt`), `note ${i}`);
  // Larger than a pack's limit: stored as content-defined chunks, whose entries are built apart.
  await writeFile(join(sb.folder, 'big.bin'), seededBytes('big file', 3 * 1024 * 1024));
  await symlink('docs/n1.txt', join(sb.folder, 'link'));
  const { vault } = await LocalVault.init(sb.env, { folder: sb.folder, remote: `file://${join(sb.root, 'remote')}`, keyRef: 'passphrase' });
  open.push(vault);
  const syncer = new VaultSyncer(vault);
  open.unshift(syncer);
  await syncer.sync();
  const head = await vault.manifest.readHead();
  return { vault, rootId: head!.head.rootId };
}

describe('a pass of many files', () => {
  it('writes entries in the key order a read gives back, so the next commit finds its segments unchanged', async () => {
    const { vault, rootId } = await syncedVault();
    // A reader with no cache at all, as the next process: what the bucket holds, opened and parsed.
    const fresh = new ManifestStore(vault.store, vault.sealer, vault.vaultId, vault.random, null);
    const root = await fresh.readRoot(rootId);
    const kinds = new Set<string>();
    for (const seg of root.segments) {
      const read = await fresh.readSegment(seg.object, seg.digest);
      for (const e of read.entries) kinds.add(e.chunks && e.chunks.some((c) => c.kind === 'chunk') ? 'chunked' : e.type);
      // writeRoot keeps a segment when the digest of its entries as read equals the one the root names.
      expect(digestOf(read.entries.map(toStoredEntry))).toBe(seg.digest);
    }
    expect(kinds).toEqual(new Set(['file', 'chunked', 'dir', 'symlink']));
  });

  it('keeps the segments it committed in memory, so the prune after it reads no manifest object again', async () => {
    const { vault, rootId } = await syncedVault();
    const get = vi.spyOn(vault.store, 'get');
    const tree = await vault.manifest.readTree(await vault.manifest.readRoot(rootId));
    expect(tree.size).toBe(23);
    expect(get.mock.calls.filter(([key]) => !key.endsWith('/head'))).toEqual([]);
    get.mockRestore();
  });
});

describe('withFields', () => {
  it('is the spread-and-set it replaces, key order included (segment digests are over JSON.stringify)', () => {
    const e: FileEntry = { path: 'a', type: 'file', size: 3, mode: 0o644, mtimeMs: 1.5, hash: 'ab'.repeat(32), device: 'd', seq: 2, keyVersion: 1 };
    const chunks = [{ object: 'cd'.repeat(16), kind: 'pack' as const, offset: 0, length: 3 }];
    for (const fields of [{ chunks }, { mtimeMs: 9.25, mode: 0o600 }, { keyVersion: 4 }, { path: 'b', chunks }]) {
      const copy = withFields(e, fields);
      expect(JSON.stringify(copy)).toBe(JSON.stringify({ ...e, ...fields }));
      expect(copy).not.toBe(e);
    }
    expect(e).not.toHaveProperty('chunks');
  });
});

describe('PassLog', () => {
  it(`appends a long pass's lines ${HISTORY_BATCH} at a time, all of them, in order`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-passlog-'));
    dirs.push(dir);
    const history = await FileHistoryLog.open(dir);
    open.push(history);
    const clock = new FakeClock(Date.parse('2026-12-02T10:00:00.000Z'));
    const log = new PassLog(clock, 'pass1');
    const n = 2 * HISTORY_BATCH + 5;
    for (let i = 0; i < n; i++) {
      if (i % 3 === 0) clock.advance(1);
      log.note({ action: 'upload', path: `f${i}`, size: i });
    }
    const append = vi.spyOn(history, 'append');
    await log.appendTo(history);
    expect(append.mock.calls.map(([lines]) => lines.length)).toEqual([HISTORY_BATCH, HISTORY_BATCH, 5]);
    const { entries, total } = await history.query({ limit: 10_000 });
    expect(total).toBe(n);
    // Newest first; each line as it was noted, with the time of its note.
    const oldestFirst = [...entries].reverse();
    expect(oldestFirst[0]).toEqual({ time: '2026-12-02T10:00:00.001Z', syncId: 'pass1', action: 'upload', path: 'f0', size: 0 });
    expect(oldestFirst.map((e) => e.path)).toEqual(Array.from({ length: n }, (_, i) => `f${i}`));
    expect(oldestFirst[n - 1]!.time).toBe(new Date(Date.parse('2026-12-02T10:00:00.000Z') + Math.ceil(n / 3)).toISOString());
  });
});
