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
});
