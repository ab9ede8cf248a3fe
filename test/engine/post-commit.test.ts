import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { MaintainedSyncer } from '../support/maintained-syncer.ts';
import { FaultyStore, type FaultRule } from '../support/faulty-store.ts';
import { loadIndex } from '../../src-main/engine/sync/local-index.ts';
import { TransientStoreError } from '../../src-main/engine/ports/store-errors.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import { sandbox, freshRemote, snapshot, type Sandbox, type RemoteKind } from './harness.ts';
import { s3TestConfig, s3SkipReason } from '../support/s3-env.ts';

/**
 * Only what runs after the head moved touches these: the daily prune lists and deletes under objects/,
 * and the dead-upload sweep lists and aborts multipart uploads. A sync pass before its commit does none.
 */
const POST_COMMIT_FAULTS: FaultRule[] = [
  { ops: ['list', 'delete', 'pendingUploads', 'abortUpload'], error: (op, key) => new TransientStoreError(`aborted (injected: ${op} ${key})`) },
];

describe.each<RemoteKind>(['file', 's3'])('a failure after the commit (%s remote)', (kind) => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());
  const skip = kind === 's3' && !s3TestConfig();

  it.skipIf(skip)(`is a warning: the pass stands, its bookkeeping is saved, and the step is retried${skip ? ` (skipped: ${s3SkipReason()})` : ''}`, async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'first');
    const faulty: FaultyStore[] = [];
    const env = { ...sb.env, wrapStore: (s: BlobStore) => { const f = new FaultyStore(s, { rules: [...POST_COMMIT_FAULTS] }); faulty.push(f); return f; } };
    const r = await freshRemote(kind, sb);
    const { vault } = await LocalVault.init(env, { folder: sb.folder, remote: r.remote, endpoint: r.endpoint, keyRef: 'passphrase' });
    const syncer = new MaintainedSyncer(vault);

    const first = await syncer.sync();
    expect(faulty.reduce((n, f) => n + f.failures, 0)).toBeGreaterThan(0);
    expect(first.complete).toBe(true);
    expect(first.state).toBe('up-to-date');
    expect(first.pruned).toBeUndefined();
    expect(first.warnings.join('\n')).toMatch(/pruning past the retention period failed after the commit.*aborted \(injected/);
    if (kind === 's3') expect(first.warnings.join('\n')).toMatch(/aborting dead multipart uploads failed/);
    const head = await vault.manifest.readHead();
    const saved = await loadIndex(vault.paths.index);
    expect(saved).toMatchObject({ rootId: head!.head.rootId, generation: head!.head.generation, deviceSeq: 1 });
    expect(saved.lastPrune).toBeUndefined(); // the prune did not happen, so it is due again
    await expect(stat(vault.paths.spool)).rejects.toMatchObject({ code: 'ENOENT' });
    const warned = await vault.queryHistory({ actions: ['warning'] });
    expect(warned.entries.map((e) => e.reason).join('\n')).toMatch(/pruning past the retention period failed/);

    // The next pass commits with the next sequence number, and tries the prune again.
    await writeFile(join(sb.folder, 'b.txt'), 'second');
    const listsBefore = faulty.reduce((n, f) => n + f.calls.list, 0);
    const second = await syncer.sync();
    expect(second.warnings.length).toBeGreaterThan(0);
    expect(faulty.reduce((n, f) => n + f.calls.list, 0)).toBeGreaterThan(listsBefore);
    const tree = (await vault.tree()).tree;
    expect(tree.get('b.txt')).toMatchObject({ seq: 2 });
    expect(tree.get('a.txt')).toMatchObject({ seq: 1 });
    expect(await loadIndex(vault.paths.index)).toMatchObject({ deviceSeq: 2, generation: head!.head.generation + 1 });

    // Faults gone: the prune runs and counts as today's.
    for (const f of faulty) f.rules = [];
    const third = await syncer.sync();
    expect(third.warnings).toEqual([]);
    expect(third.pruned).toBeDefined();
    expect((await loadIndex(vault.paths.index)).lastPrune).toBeDefined();
    await syncer.close();

    const out = join(sb.root, 'restored');
    expect((await vault.restore(out)).problems).toEqual([]);
    expect(await snapshot(out)).toEqual(await snapshot(sb.folder));
    await vault.close();
  }, 60_000);
});
