// "What the provider can see" counts what the bucket shows of devices and teams: each device record, member
// slot and membership version is its own object, so their number is visible although their content is sealed.
import { describe, it, expect, afterEach } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inviteMember, syncOnce } from '../../src-main/engine/api.ts';
import { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import { sandbox, initVault, type Sandbox } from '../engine/harness.ts';

describe('the provider view', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('names the number of devices, and once there is a team, of member slots and membership changes', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const { vault } = await initVault(sb, 'file');
    const service = new EngineVaultService(vault);
    try {
      await syncOnce(vault);
      const fact = async (start: string) => (await service.providerView()).reveals.find((r) => r.fact.startsWith(start))?.value;
      expect(await fact('Number of devices')).toBe('1');
      expect(await fact('Number of team members')).toBeUndefined();

      await inviteMember(vault, { name: 'bea', role: 'writer' });
      expect(await fact('Number of team members')).toBe('2');
      expect(await fact('Number of membership changes')).toBe('2');
    } finally {
      await service.close();
      await vault.close();
    }
  });

  it('states the padding setting and what object sizes reveal with it off and on; bytes in binary units', async () => {
    sb = await sandbox();
    await writeFile(join(sb.folder, 'a.txt'), 'alpha');
    const { vault } = await initVault(sb, 'file');
    const service = new EngineVaultService(vault);
    try {
      await syncOnce(vault);
      const off = await service.providerView();
      const fact = (view: typeof off, start: string) => view.reveals.find((r) => r.fact.startsWith(start))?.value;
      expect(fact(off, 'Size padding')).toBe('off');
      expect(fact(off, 'What object sizes reveal')).toMatch(/exact size: what it holds .* plus a fixed encryption overhead/);
      expect(fact(off, 'What object sizes reveal')).toMatch(/points keyed by this vault/);
      expect(fact(off, 'Sizes of manifest segments')).toMatch(/how many files and folders/);
      // A pack (5 bytes + 375), segments, a root, the head, device records: a few KiB, never a raw count.
      expect(fact(off, 'Total stored bytes')).toMatch(/^\d+\.\d (KiB|MiB)$/);
      expect(off.hides.some((h) => /exact size/i.test(h))).toBe(false);

      await service.updateSettings({ padding: 'padme' });
      const on = await service.providerView();
      expect(fact(on, 'Size padding')).toBe('on (Padmé)');
      expect(fact(on, 'What object sizes reveal')).toMatch(/only up to its Padmé size.*at most 12 % more/);
      expect(fact(on, 'What object sizes reveal')).toMatch(/How many objects there are, and when each is written, still show/);
      expect(on.hides).toContain('The exact size of each object (only its Padmé size shows)');
      expect((await service.settings()).padding).toBe('padme');
    } finally {
      await service.close();
      await vault.close();
    }
  });
});
