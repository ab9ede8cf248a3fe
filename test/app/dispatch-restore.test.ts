// The Restore view's commands through the one dispatcher both hosts use, over the real engine: results
// cross in the contract's shape, and requests the engine refuses before writing are 400s with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDispatcher, type Dispatch } from '../../src-main/ipc/dispatch.ts';
import { openVaultHost } from '../../src-main/engine/use-cases/vault-host.ts';
import type { VaultHost } from '../../src-main/engine/ports/vault-service.ts';
import type { IpcEnvelope } from '../../src-main/ipc/contract.ts';

const PASSPHRASE = 'correct horse battery staple';

function valueOf<T>(env: IpcEnvelope): T {
  if (!env.ok) throw new Error(`expected a value, got ${env.error.code}: ${env.error.message}`);
  return env.value as T;
}

function errorOf(env: IpcEnvelope): { code: string; message: string } {
  if (env.ok) throw new Error(`expected an error, got ${JSON.stringify(env.value)}`);
  return env.error;
}

describe('dispatch: the Restore view over the real engine', () => {
  let scratch: string;
  let host: VaultHost;
  let dispatch: Dispatch;
  let rootId: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'coffer-dispatch-restore-'));
    const folder = path.join(scratch, 'folder');
    await mkdir(path.join(folder, 'notes'), { recursive: true });
    await writeFile(path.join(folder, 'notes', 'a.txt'), 'alpha');
    host = await openVaultHost({ stateDir: path.join(scratch, 'state'), passphrase: async () => PASSPHRASE });
    const { service } = await host.createVault({ folder, remote: `file://${path.join(scratch, 'remote')}`, keyRef: 'passphrase', passphrase: PASSPHRASE });
    await service.syncNow();
    dispatch = createDispatcher({ host });
    rootId = valueOf<{ snapshots: { rootId: string }[] }>(await dispatch('snapshots', {})).snapshots[0]!.rootId;
  }, 60_000);

  afterAll(async () => {
    await host?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('lists, browses and restores in the contract shape', async () => {
    const page = valueOf<{ items: { path: string; files: number }[]; total: number }>(await dispatch('snapshotFolder', { rootId, folder: '' }));
    expect(page).toEqual({ items: [expect.objectContaining({ path: 'notes', files: 1 })], total: 1 });
    const to = path.join(scratch, 'out');
    const summary = valueOf<{ restored: number; to: string }>(await dispatch('restoreSnapshot', { rootId, paths: ['notes'], to, existing: 'skip' }));
    expect(summary).toMatchObject({ restored: 1, to });
    expect(await readFile(path.join(to, 'notes', 'a.txt'), 'utf8')).toBe('alpha');
  });

  it('answers 400 (invalid-request) with the reason for requests refused before writing', async () => {
    expect(errorOf(await dispatch('restoreSnapshot', { rootId, paths: ['notes'], to: 'relative', existing: 'skip' })))
      .toEqual({ code: 'invalid-request', message: expect.stringContaining('not an absolute folder path') });
    const aFile = path.join(scratch, 'a-file');
    await writeFile(aFile, 'x');
    expect(errorOf(await dispatch('restoreSnapshot', { rootId, paths: ['notes'], to: aFile, existing: 'skip' })))
      .toEqual({ code: 'invalid-request', message: expect.stringContaining('is a file, not a folder') });
    expect(errorOf(await dispatch('restoreSnapshot', { rootId: 'not-hex', paths: ['notes'], existing: 'skip' })).code).toBe('invalid-request');
    expect(errorOf(await dispatch('restoreSnapshot', { rootId, paths: [], existing: 'skip' })).code).toBe('invalid-request');
    expect(errorOf(await dispatch('restoreSnapshot', { rootId, paths: ['notes'], existing: 'refuse' })).code).toBe('invalid-request');
    expect(errorOf(await dispatch('snapshotFolder', { rootId, folder: 'nope' })))
      .toEqual({ code: 'invalid-request', message: expect.stringContaining('no folder "nope"') });
    expect(errorOf(await dispatch('restoreCopy', { path: 'notes/a.txt', versionId: rootId, timeZone: 'Mars/Olympus' })))
      .toEqual({ code: 'invalid-request', message: expect.stringContaining('unknown time zone') });
  });
});
