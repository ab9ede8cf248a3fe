// The app's audit log pages newest first (VaultService.audit with offset/limit), and counts the whole log.
import { describe, it, expect, afterEach } from 'vitest';
import { rotateKey } from '../../src-main/engine/api.ts';
import { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import { sandbox, initVault, type Sandbox } from '../engine/harness.ts';

describe('the audit log through the app service', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('returns one page at a time, newest first, with the total', async () => {
    sb = await sandbox();
    const { vault } = await initVault(sb, 'file');
    const service = new EngineVaultService(vault);
    try {
      for (let i = 0; i < 4; i++) await rotateKey(vault);
      await vault.audit.settled();
      const all = await vault.audit.list();
      const seqs = all.map((e) => e.seq).reverse();
      expect(all.length).toBeGreaterThanOrEqual(5);

      const first = await service.audit({ offset: 0, limit: 2 });
      expect(first.total).toBe(all.length);
      expect(first.verified).toBe(true);
      expect(first.entries.map((e) => e.seq)).toEqual(seqs.slice(0, 2));
      expect(first.entries[0]?.op).toBe('rotate');

      const second = await service.audit({ offset: 2, limit: 2 });
      expect(second.entries.map((e) => e.seq)).toEqual(seqs.slice(2, 4));
      // Past the end: an empty page, still counted.
      const past = await service.audit({ offset: all.length, limit: 2 });
      expect(past).toEqual({ entries: [], verified: true, total: all.length });
      // No page asked: the newest 500, as before.
      expect((await service.audit()).entries.map((e) => e.seq)).toEqual(seqs);
    } finally {
      await service.close();
      await vault.close();
    }
  });
});
