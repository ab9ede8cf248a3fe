// EngineVaultService's team calls over a real vault (a folder remote). The team use cases are stood in
// for here (vi.mock): what is under test is the service's own part, the names it puts in history, the
// one re-encryption it runs at a time, its progress events, and close() waiting for it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineVaultService } from '../../src-main/engine/use-cases/vault-service.ts';
import type { LocalVault } from '../../src-main/engine/vault/local-vault.ts';
import type { VaultEvent } from '../../src-main/engine/ports/vault-service.ts';
import type { ReencryptView } from '../../src-main/engine/ports/team.ts';
import * as teamOps from '../../src-main/engine/use-cases/team-ops.ts';
import * as joinOps from '../../src-main/engine/use-cases/join-ops.ts';
import { sandbox, initVault, type Sandbox } from '../engine/harness.ts';
import { sampleTeam } from './fake-host.ts';

vi.mock('../../src-main/engine/use-cases/team-ops.ts', () => ({
  teamView: vi.fn(), inviteMember: vi.fn(), removeMember: vi.fn(), setMemberRole: vi.fn(), removeDevice: vi.fn(), reencryptTeam: vi.fn(),
}));
vi.mock('../../src-main/engine/use-cases/join-ops.ts', () => ({ joinVault: vi.fn(), vaultConflicts: vi.fn() }));

const team = vi.mocked(teamOps);
const join = vi.mocked(joinOps);

describe('EngineVaultService: team calls', () => {
  let sb: Sandbox;
  let vault: LocalVault;
  let service: EngineVaultService;

  beforeEach(async () => {
    vi.clearAllMocks();
    sb = await sandbox();
    ({ vault } = await initVault(sb, 'file'));
    service = new EngineVaultService(vault);
    team.teamView.mockResolvedValue(sampleTeam());
  });

  afterEach(async () => {
    await service.close();
    await vault.close();
    await sb.cleanup();
  });

  it('names the member and the device of history entries, and leaves entries without ids as they are', async () => {
    const entries = [
      { time: '2026-01-02T00:00:00.000Z', action: 'pull' as const, path: 'a.txt', member: 'm-ann', device: 'd-1' },
      { time: '2026-01-02T00:00:01.000Z', action: 'pull' as const, path: 'b.txt', member: 'm-gone', device: 'd-gone' },
      { time: '2026-01-02T00:00:02.000Z', action: 'upload' as const, path: 'c.txt', size: 1 },
    ];
    vault.queryHistory = async () => ({ entries, total: 3 });
    const res = await service.history({});
    expect(res.entries).toEqual([
      { ...entries[0], memberName: 'Ann', deviceName: 'ann-laptop' },
      entries[1],
      entries[2],
    ]);
    // History pages reuse the names; a team change drops them.
    await service.history({ offset: 1 });
    expect(team.teamView).toHaveBeenCalledTimes(1);
    team.removeMember.mockResolvedValue(undefined);
    await service.removeMember('Bea');
    expect(team.removeMember).toHaveBeenCalledWith(vault, 'Bea');
    await service.history({});
    expect(team.teamView).toHaveBeenCalledTimes(3); // the removal's answer, and the names again
  });

  it('keeps ids without names when the team cannot be read (an old vault), and asks nothing for one-device history', async () => {
    team.teamView.mockRejectedValue(new Error('no membership document'));
    const entry = { time: '2026-01-02T00:00:00.000Z', action: 'pull' as const, path: 'a.txt', device: 'd-1' };
    vault.queryHistory = async () => ({ entries: [entry], total: 1 });
    expect((await service.history({})).entries).toEqual([entry]);
    team.teamView.mockClear();
    vault.queryHistory = async () => ({ entries: [{ time: entry.time, action: 'upload', path: 'x' }], total: 1 });
    await service.history({});
    expect(team.teamView).not.toHaveBeenCalled();
  });

  it('runs one re-encryption at a time, reports its progress as events, and close() waits for it', async () => {
    let finish!: (v: ReencryptView) => void;
    team.reencryptTeam.mockImplementation(async (_v, opts) => {
      opts.onProgress?.({ generation: 3, percent: 25, objectsTotal: 4, objectsDone: 1 });
      return new Promise<ReencryptView>((r) => (finish = r));
    });
    const events: VaultEvent[] = [];
    service.subscribe((e) => events.push(e));
    const first = service.reencrypt();
    const second = service.reencrypt();
    expect(team.reencryptTeam).toHaveBeenCalledTimes(1);
    let closed = false;
    const closing = service.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    finish({ generation: 3, percent: 100, objectsTotal: 4, objectsDone: 4 });
    expect(await first).toEqual({ generation: 3, percent: 100, objectsTotal: 4, objectsDone: 4 });
    expect(await second).toEqual(await first);
    await closing;
    expect(events.filter((e) => e.type === 'reencrypt').map((e) => e.type === 'reencrypt' && e.progress.percent)).toEqual([25, 100]);
  });

  it('starts a new re-encryption after a failed one, and the failure reaches the caller', async () => {
    team.reencryptTeam.mockRejectedValueOnce(new Error('SlowDown'));
    await expect(service.reencrypt()).rejects.toThrow('SlowDown');
    team.reencryptTeam.mockResolvedValueOnce({ generation: 2, percent: 100, objectsTotal: 1, objectsDone: 1 });
    await expect(service.reencrypt()).resolves.toMatchObject({ percent: 100 });
    expect(team.reencryptTeam).toHaveBeenCalledTimes(2);
  });

  it('answers role changes and device removals with the team afterwards, and lists recent conflicts', async () => {
    team.setMemberRole.mockResolvedValue(undefined);
    team.removeDevice.mockResolvedValue(undefined);
    join.vaultConflicts.mockResolvedValue([]);
    expect(await service.setMemberRole('Bea', 'reader')).toEqual(sampleTeam());
    expect(team.setMemberRole).toHaveBeenCalledWith(vault, 'Bea', 'reader');
    expect(await service.removeDevice('old laptop')).toEqual(sampleTeam());
    expect(await service.conflicts()).toEqual([]);
    expect(join.vaultConflicts).toHaveBeenCalledWith(vault, 20);
  });
});
