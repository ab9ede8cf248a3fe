// Watching polls the head: an idle vault costs one conditional GET per interval, and a head moved by
// another client (its own COFFER_HOME) brings a pass. The runner's clock is fake, so nothing sleeps.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { VaultRunner } from '../../src-main/engine/vault/vault-runner.ts';
import { VaultRegistry } from '../../src-main/engine/vault/registry.ts';
import { vaultPaths } from '../../src-main/engine/vault/state-dir.ts';
import { loadSettings, saveSettings } from '../../src-main/engine/journal/settings-store.ts';
import { loadIndex } from '../../src-main/engine/sync/local-index.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import type { ChangeSource } from '../../src-main/engine/ports/change-source.ts';
import { TransientStoreError } from '../../src-main/engine/ports/store-errors.ts';
import { FaultyStore, type StoreOp } from '../support/faulty-store.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { s3TestConfig } from '../support/s3-env.ts';
import { freshRemote, sandbox, until, type RemoteKind, type Sandbox } from './harness.ts';
import { runCli } from './cli-harness.ts';
import { readDeviceRecords } from '../../src-main/engine/vault/device-records.ts';

/** A watcher that never reports anything: every pass here comes from the start or from a poll. */
const silent: ChangeSource = { start: async () => undefined, stop: async () => undefined };

const kinds: RemoteKind[] = s3TestConfig() ? ['file', 's3'] : ['file'];

describe.each(kinds)('head polling while watching (%s remote)', (kind) => {
  const boxes: Sandbox[] = [];
  afterEach(async () => {
    for (const b of boxes.splice(0)) await b.cleanup();
  });

  /** Device A, whose every store request is counted, and device B attached by hand with its own home and id. */
  async function twoDevices() {
    const a = await sandbox();
    const b = await sandbox();
    boxes.push(a, b);
    const counted: FaultyStore[] = [];
    const envA = { ...a.env, wrapStore: (s: BlobStore) => { const f = new FaultyStore(s); counted.push(f); return f; } };
    await writeFile(join(a.folder, 'a.txt'), 'from A');
    const r = await freshRemote(kind, a);
    const { vault: va } = await LocalVault.init(envA, { folder: a.folder, remote: r.remote, endpoint: r.endpoint, keyRef: 'passphrase' });
    const settingsA = await loadSettings(va.paths.settings);
    await saveSettings(vaultPaths(b.home, va.vaultId).settings, { ...settingsA, folder: b.folder, deviceId: 'b0b0b0b0b0b0b0b0' });
    await new VaultRegistry(b.home).add(va.vaultId, b.folder);
    const calls = () => {
      const sum = {} as Record<StoreOp, number>;
      for (const f of counted) for (const [op, n] of Object.entries(f.calls)) sum[op as StoreOp] = (sum[op as StoreOp] ?? 0) + n;
      return sum;
    };
    return { a, b, va, counted, calls };
  }

  it('an idle vault makes one conditional head request per interval; a head moved by another device brings a pass', async () => {
    const { b, va, calls } = await twoDevices();
    const clock = new FakeClock();
    const polls: ({ moved: boolean } | { error: string })[] = [];
    let passes = 0;
    const runner = new VaultRunner(va, { onPass: () => passes++, onPoll: (p) => polls.push(p) }, { clock, changeSource: silent });
    await runner.start();
    await until(() => passes === 1, 'the first pass');
    expect((await va.tree()).tree.has('a.txt')).toBe(true);

    // Idle: each interval costs exactly one conditional read of the head and nothing else.
    for (let i = 1; i <= 3; i++) {
      const before = calls();
      clock.advance(30_000);
      await until(() => polls.length === i, `poll ${i}`);
      const after = calls();
      const diff = Object.fromEntries(Object.entries(after).map(([op, n]) => [op, n - before[op as StoreOp]]).filter(([, n]) => n !== 0));
      expect(diff).toEqual({ getIfChanged: 1 });
    }
    expect(polls).toEqual([{ moved: false }, { moved: false }, { moved: false }]);
    expect(passes).toBe(1);

    // Device B, the real CLI with its own COFFER_HOME, commits: A's next poll sees the head move and runs
    // a pass on top of B's commit.
    await writeFile(join(b.folder, 'b.txt'), 'from B');
    const fromB = await runCli(['--json', 'sync', b.folder], { COFFER_HOME: b.home, COFFER_PASSPHRASE: 'correct horse' });
    expect(fromB.stderr).toBe('');
    expect(fromB.code).toBe(0);
    const headB = (await va.manifest.readHead())!;
    expect(headB.head.device).toBe('b0b0b0b0b0b0b0b0');
    // B had no record (attached by hand, like a device of a v1 vault): its first sync wrote one.
    expect((await readDeviceRecords(va)).map((d) => d.id).sort()).toEqual([va.settings.deviceId, 'b0b0b0b0b0b0b0b0'].sort());
    clock.advance(29_000);
    expect(polls).toHaveLength(3);
    clock.advance(1_000);
    await until(() => polls.length === 4, 'the poll after B committed');
    expect(polls[3]).toEqual({ moved: true });
    expect(passes).toBe(2);
    const indexA = await loadIndex(va.paths.index);
    expect(indexA).toMatchObject({ etag: headB.etag, generation: headB.head.generation });

    // Caught up: idle again.
    const before = calls();
    clock.advance(30_000);
    await until(() => polls.length === 5, 'the poll after the pass');
    expect(polls[4]).toEqual({ moved: false });
    expect(calls().getIfChanged - before.getIfChanged).toBe(1);
    expect(calls().get - before.get).toBe(0);
    await runner.stop();
    await va.close();
  });

  it('pollSeconds sets the interval, 0 turns polling off, and a failed poll shows until the next good one', async () => {
    const { va, counted } = await twoDevices();
    await va.changeSettings({ pollSeconds: 60 });
    const clock = new FakeClock();
    const polls: ({ moved: boolean } | { error: string })[] = [];
    let passes = 0;
    const runner = new VaultRunner(va, { onPass: () => passes++, onPoll: (p) => polls.push(p) }, { clock, changeSource: silent });
    await runner.start();
    await until(() => passes === 1, 'the first pass');
    clock.advance(30_000);
    clock.advance(29_999);
    expect(polls).toHaveLength(0);
    // The bucket refuses the next poll (the fault sits outside the store's retries): the state says so.
    for (const f of counted) f.rules.push({ ops: ['getIfChanged'], times: 1, error: () => new TransientStoreError('injected: the bucket is unreachable') });
    clock.advance(1);
    await until(() => polls.length === 1, 'the failed poll');
    expect(polls[0]).toEqual({ error: expect.stringMatching(/could not check the vault for other devices' changes: .*unreachable/) });
    expect(runner.state).toBe('error');
    clock.advance(60_000);
    await until(() => polls.length === 2, 'the next poll');
    expect(polls[1]).toEqual({ moved: false });
    expect(runner.state).toBe('up-to-date');
    expect(runner.lastError).toBeUndefined();

    await va.changeSettings({ pollSeconds: 0 });
    clock.advance(60_000); // the poll armed before the change still runs; none after it
    await until(() => polls.length === 3, 'the last poll');
    clock.advance(600_000);
    expect(polls).toHaveLength(3);
    await runner.stop();
    await va.close();
  });
});
