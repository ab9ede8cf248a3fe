// What one `coffer sync` asks the bucket before its pass: every slot and listing once (open, then the
// team check right after it), and the head in one GET. A vault opened long ago (the app) checks again.
import { afterEach, describe, expect, it } from 'vitest';
import { LocalVault } from '../../src-main/engine/vault/vault.ts';
import { syncOnce } from '../../src-main/engine/use-cases/sync-ops.ts';
import { teamSyncOptions } from '../../src-main/engine/use-cases/team-sync.ts';
import { rotateKey } from '../../src-main/engine/use-cases/key-ops.ts';
import type { BlobStore, GetOptions } from '../../src-main/engine/ports/blob-store.ts';
import { ForwardingStore } from '../../src-main/engine/store/forwarding-store.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { initVault, sandbox, type Sandbox } from './harness.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every request as "<op> <key or prefix>", shared by each store the vault wraps. */
class RequestLog extends ForwardingStore {
  constructor(inner: BlobStore, readonly log: string[]) {
    super(inner);
  }
  override get(key: string, opts?: GetOptions) {
    this.log.push(`get ${key}`);
    return super.get(key, opts);
  }
  override head(key: string) {
    this.log.push(`head ${key}`);
    return super.head(key);
  }
  override list(prefix: string) {
    this.log.push(`list ${prefix}`);
    return super.list(prefix);
  }
}

const boxes: Sandbox[] = [];
afterEach(async () => {
  for (const b of boxes.splice(0)) await b.cleanup();
});

async function openLogged(sb: Sandbox, clock?: FakeClock): Promise<{ vault: LocalVault; log: string[] }> {
  const log: string[] = [];
  const vault = await LocalVault.open({ ...sb.env, ...(clock ? { clock } : {}), wrapStore: (s) => new RequestLog(s, log) }, sb.folder);
  return { vault, log };
}

const count = (log: string[], entry: string) => log.filter((l) => l === entry).length;

describe('the requests of one sync after open', () => {
  it('reads the recovery slot and lists the membership once, and reads the head without a HEAD request', async () => {
    const sb = await sandbox();
    boxes.push(sb);
    const { vault: first } = await initVault(sb, 'file');
    await writeFile(join(sb.folder, 'a.txt'), 'one');
    await syncOnce(first);
    await first.close();

    const { vault, log } = await openLogged(sb);
    await writeFile(join(sb.folder, 'b.txt'), 'two');
    const r = await syncOnce(vault);
    expect(r.uploaded).toBeGreaterThan(0);
    expect(count(log, 'get keys/recovery')).toBe(1);
    expect(count(log, 'list team/m/')).toBe(1);
    expect(count(log, 'head head')).toBe(0);
    expect(count(log, 'get head')).toBeGreaterThan(0);
    await vault.close();
  });

  it('a key opened long ago (the app) reads the slots again and takes a rotation another device made', async () => {
    const sb = await sandbox();
    boxes.push(sb);
    const { vault: other } = await initVault(sb, 'file');
    const clock = new FakeClock(Date.now());
    const { vault, log } = await openLogged(sb, clock);
    const before = await vault.key.currentVersion();

    // Moments after the open: nothing is read again.
    await teamSyncOptions(vault);
    expect(count(log, 'get keys/recovery')).toBe(1);

    // Another device (the first handle, its own key copy) rotates; a minute later this one checks again.
    await rotateKey(other);
    clock.advance(60_000);
    await teamSyncOptions(vault);
    expect(count(log, 'get keys/recovery')).toBe(2);
    expect(await vault.key.currentVersion()).toBe(before + 1);
    await other.close();
    await vault.close();
  });
});
