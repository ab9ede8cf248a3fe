import { describe, it, expect, afterEach } from 'vitest';
import { writeFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import { VaultSyncer } from '../../src-main/engine/vault/vault-sync.ts';
import { HEAD_KEY } from '../../src-main/engine/objects/object-keys.ts';
import type { BlobStore } from '../../src-main/engine/ports/blob-store.ts';
import type { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import { sandbox, initVault, until, type Sandbox } from './harness.ts';

/** Holds reads of the head while armed, and counts store calls, so a test decides when they finish. */
class Gate {
  armed = false;
  held = 0;
  callsAfterClose = 0;
  hostClosed = false;
  private release!: () => void;
  readonly opened = new Promise<void>((r) => (this.release = r));
  open(): void {
    this.release();
  }
  wrap(inner: BlobStore): BlobStore {
    const wrapped = Object.create(inner) as BlobStore;
    for (const op of ['get', 'put', 'head', 'delete'] as const) {
      const fn = inner[op].bind(inner) as (...a: unknown[]) => Promise<unknown>;
      Object.assign(wrapped, {
        [op]: async (...args: unknown[]) => {
          if (this.hostClosed) this.callsAfterClose++;
          if (op === 'get' && args[0] === HEAD_KEY && this.armed) {
            this.held++;
            await this.opened;
          }
          return fn(...args);
        },
      });
    }
    return wrapped;
  }
}

describe('closing the app engine', () => {
  let sb: Sandbox;
  const saved = process.env.COFFER_PASSPHRASE;
  afterEach(async () => {
    if (saved === undefined) delete process.env.COFFER_PASSPHRASE;
    else process.env.COFFER_PASSPHRASE = saved;
    await sb?.cleanup();
  });

  it('waits for the status refresh it started, so nothing reads or writes after close() and the state folder can be removed', async () => {
    sb = await sandbox('the passphrase');
    await writeFile(join(sb.folder, 'a.txt'), 'a');
    const { vault } = await initVault(sb, 'file');
    const syncer = new VaultSyncer(vault);
    await syncer.sync();
    await syncer.close();
    await vault.close();
    process.env.COFFER_PASSPHRASE = 'the passphrase';

    const gate = new Gate();
    const host = await openVaultHost({ stateDir: sb.home, wrapStore: (s) => gate.wrap(s) });
    const service = host.service() as EngineVaultService;
    let statusEvents = 0, eventsAfterClose = 0;
    service.subscribe((e) => {
      if (e.type === 'status') statusEvents++;
      if (gate.hostClosed) eventsAfterClose++;
    });
    await service.syncNow(); // after the start-up pass: syncing and up-to-date twice
    await until(() => statusEvents >= 4, 'the status refreshes of both passes');

    // Pausing refreshes the status in the background; its read of the head is held at the gate.
    gate.armed = true;
    await service.pause();
    await until(() => gate.held === 1, 'the status refresh to read the head');
    let closed = false;
    const closing = host.close().then(() => (closed = true));
    // Either close() returned with the refresh still held (the defect), or it is waiting for it.
    await until(() => closed || (service.background as { settling?: boolean } | undefined)?.settling === true, 'close() to return or to wait');
    expect(closed, 'close() returned while a read it started was still in flight').toBe(false);
    gate.open();
    await closing;
    gate.hostClosed = true;

    expect(service.background.size).toBe(0);
    expect(statusEvents).toBe(5); // the held refresh finished, before close() returned
    const stateDir = join(sb.home, 'vaults', vault.vaultId);
    await rm(stateDir, { recursive: true });
    await expect(stat(stateDir)).rejects.toMatchObject({ code: 'ENOENT' });
    // Events after close would start refreshes; a closed service starts none.
    await service.pause();
    expect(service.background.size).toBe(0);
    expect(gate.callsAfterClose).toBe(0);
    expect(eventsAfterClose).toBe(0);
  }, 60_000);
});
