// The refusal to schedule the deletion of a key that still protects files: one implementation
// (engine/use-cases/key-ops.ts) behind `coffer keys schedule-deletion` and the app's service.
import { describe, it, expect, afterEach } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkKeyRef, KeyInUseError, KeyUsageError, keyStatus, keyUsage, scheduleKeyDeletion, syncOnce, rotateKey } from '../../src-main/engine/api.ts';
import { Writable } from 'node:stream';
import { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import { keysCommand } from '../../src-main/cli/commands/keys.ts';
import { makeOutput } from '../../src-main/cli/output.ts';
import { sandbox, initVault, type Sandbox } from '../engine/harness.ts';

describe('scheduling the deletion of a key in use', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('is refused, naming what would become unreadable, unless forced', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    await writeFile(join(sb.folder, 'b.txt'), 'bravo');
    const { vault } = await initVault(sb, 'file');
    try {
      await syncOnce(vault);
      await rotateKey(vault);
      await writeFile(join(sb.folder, 'c.txt'), 'charlie');
      await syncOnce(vault);

      const err = await scheduleKeyDeletion(vault, { days: 30 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KeyInUseError);
      const refused = err as KeyInUseError;
      expect(refused.files).toBe(3);
      expect(refused.message).toBe('passphrase still protects 3 files; confirm with force to schedule its deletion anyway');
      expect(refused.usage.byVersion.map((u) => [u.version, u.files, [...u.examples].sort()])).toEqual([[1, 2, ['a.txt', 'b.txt']], [2, 1, ['c.txt']]]);
      expect((await keyStatus(vault)).state).toBe('enabled');

      // A request naming another key, or a reference of no known scheme, is refused before anything runs.
      expect(() => checkKeyRef(vault, 'passphrase')).not.toThrow();
      expect(() => checkKeyRef(vault, 'keychain:other')).toThrow(new KeyUsageError("this vault's key is passphrase, not keychain:other"));
      expect(() => checkKeyRef(vault, 'nope:x')).toThrow(KeyUsageError);

      const forced = await scheduleKeyDeletion(vault, { days: 30, force: true });
      expect(forced.status.state).toBe('pending-deletion');
      expect(forced.usage).toEqual(refused.usage);
    } finally {
      await vault.close();
    }
  });

  it('is allowed without force while no retained snapshot has a file the key wrapped', async () => {
    sb = await sandbox();
    const { vault } = await initVault(sb, 'file');
    try {
      await syncOnce(vault);
      expect((await keyUsage(vault)).byVersion).toEqual([]);
      expect((await scheduleKeyDeletion(vault, { days: 7 })).status.state).toBe('pending-deletion');
    } finally {
      await vault.close();
    }
  });

  it("the app's service refuses through the same use case, and accepts with force", async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const { vault } = await initVault(sb, 'file');
    const service = new EngineVaultService(vault);
    try {
      await syncOnce(vault);
      await expect(service.scheduleKeyDeletion('passphrase', 30, false)).rejects.toBeInstanceOf(KeyInUseError);
      expect((await service.keys())[0]!.state).toBe('enabled');
      expect((await service.scheduleKeyDeletion('passphrase', 30, true)).state).toBe('pending-deletion');
    } finally {
      await service.close();
      await vault.close();
    }
  });
});

describe('coffer keys schedule-deletion (in-process, --json)', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  async function keys(flags: Record<string, string | boolean>): Promise<{ code: number; data: Record<string, unknown> }> {
    let text = '';
    const out = new Writable({ write(c, _e, cb) { text += String(c); cb(); } }) as unknown as NodeJS.WriteStream;
    const code = await keysCommand({ args: ['schedule-deletion'], flags: { json: true, folder: sb.folder, ...flags }, out: makeOutput({ json: true, debug: false }, out, out), env: sb.env });
    return { code, data: JSON.parse(text) as Record<string, unknown> };
  }

  it('exits 3 with the usage when the key is in use, and schedules with --force', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const { vault } = await initVault(sb, 'file');
    await syncOnce(vault);
    await vault.close();

    const refused = await keys({});
    expect(refused.code).toBe(3);
    expect(refused.data).toMatchObject({ refused: true, usage: { ref: 'passphrase', byVersion: [{ version: 1, files: 1, examples: ['a.txt'] }], versions: { 1: 1 } } });

    const forced = await keys({ force: true, days: '10' });
    expect(forced.code).toBe(0);
    expect(forced.data).toMatchObject({ status: { state: 'pending-deletion' }, usage: { byVersion: [{ version: 1, files: 1 }] } });
  });
});
