// Conflicts on the dashboard (both versions, each with its versions panel) and names in the history.
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Dashboard from '../../src-renderer/views/Dashboard.svelte';
import History from '../../src-renderer/views/History.svelte';
import { VaultState } from '../../src-renderer/lib/state/vault-state.svelte.ts';
import { HistoryState } from '../../src-renderer/lib/state/history-state.svelte.ts';
import { FakeTransport } from './fake-transport.ts';
import { iso, NOW, status } from './fixtures.ts';

const CONFLICT = {
  path: 'reports/q3.xlsx', copyPath: 'reports/q3 (conflict – Bea – bea-studio – 2026-11-27 1130).xlsx',
  memberName: 'Bea', deviceName: 'bea-studio', time: iso(NOW - 30 * 60_000),
};

describe('Dashboard conflicts', () => {
  it('lists both paths and opens the versions of either one', async () => {
    const t = new FakeTransport().on('status', () => status()).on('bytesPerDay', () => []).on('conflicts', () => [CONFLICT])
      .on('versions', (req) => [{ versionId: `v-${req.path.length}`, time: iso(NOW), size: 10, hash: 'h', deleted: false, device: 'bea-studio' }])
      .on('restoreCopy', (req) => ({ restoredPath: `${req.path} (restored)` }));
    const vault = new VaultState(t.client());
    vault.start();
    render(Dashboard, { vault });
    const item = await screen.findByTestId('conflict');
    expect(within(item).getByTestId('conflict-path').textContent).toBe('reports/q3.xlsx');
    expect(within(item).getByTestId('conflict-copy').textContent).toBe(CONFLICT.copyPath);
    expect(item.textContent).toContain("The copy is Bea's version from bea-studio");

    await fireEvent.click(within(item).getByTestId('conflict-versions-copy'));
    await waitFor(() => expect(screen.getAllByTestId('version-row')).toHaveLength(1));
    expect(screen.getByTestId('versions-panel').textContent).toContain(CONFLICT.copyPath);
    await fireEvent.click(within(item).getByTestId('conflict-versions-path'));
    await waitFor(() => expect(screen.getByTestId('versions-panel').textContent).toContain('Versions of reports/q3.xlsx'));
    expect(t.callsOf('versions')).toEqual([{ path: CONFLICT.copyPath }, { path: 'reports/q3.xlsx' }]);
    await fireEvent.click(screen.getByTestId('restore-copy'));
    expect((await screen.findByTestId('restore-message')).textContent).toBe('Restored as reports/q3.xlsx (restored)');
    await fireEvent.click(screen.getByLabelText('Close versions'));
    expect(screen.queryByTestId('versions-panel')).toBeNull();
  });

  it('says there are none, and looks again after each pass (history event)', async () => {
    let conflicts: (typeof CONFLICT)[] = [];
    const t = new FakeTransport().on('status', () => status()).on('bytesPerDay', () => []).on('conflicts', () => conflicts);
    const vault = new VaultState(t.client());
    vault.start();
    render(Dashboard, { vault });
    await waitFor(() => expect(screen.getByTestId('conflicts').textContent).toContain('No conflicts'));
    conflicts = [CONFLICT];
    t.emit({ type: 'history', entries: [{ time: iso(NOW), action: 'conflict', path: CONFLICT.copyPath }] });
    expect(await screen.findByTestId('conflict')).toBeTruthy();
  });

  it('keeps the status up when the conflict list cannot be read', async () => {
    const t = new FakeTransport().on('status', () => status()).on('bytesPerDay', () => []).fail('conflicts', 'store-error', 'no');
    const vault = new VaultState(t.client());
    vault.start();
    render(Dashboard, { vault });
    expect((await screen.findByTestId('sync-state')).dataset.state).toBe('up-to-date');
    expect(screen.getByTestId('conflicts').textContent).toContain('No conflicts');
  });
});

describe('History names', () => {
  it('shows who changed what on which device, by name; an id only where no name is known', async () => {
    const entries = [
      { time: iso(NOW), action: 'pull' as const, path: 'plan.md', member: 'm-bea', device: 'd-2', memberName: 'Bea', deviceName: 'bea-studio' },
      { time: iso(NOW - 1000), action: 'conflict' as const, path: 'plan (conflict – Bea – bea-studio – 2026-11-27 1200).md', member: 'm-bea', device: 'd-2', memberName: 'Bea', deviceName: 'bea-studio' },
      { time: iso(NOW - 2000), action: 'pull' as const, path: 'old.txt', device: 'd-9f3a' },
      { time: iso(NOW - 3000), action: 'upload' as const, path: 'mine.txt', size: 4 },
    ];
    const t = new FakeTransport().on('history', () => ({ entries, total: entries.length }));
    const history = new HistoryState(t.client());
    history.start();
    render(History, { history });
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(4));
    const rows = screen.getAllByTestId('history-row');
    expect(rows.map((r) => within(r).getByTestId('history-who').textContent)).toEqual(['Bea · bea-studio', 'Bea · bea-studio', 'unknown device d-9f3a', '']);
    // The id a name is missing for is said to be one, and stays whole in the title.
    expect(within(rows[2]!).getByTestId('history-who').getAttribute('title')).toBe('unknown device d-9f3a (device id d-9f3a)');
    expect(rows[0]!.textContent).toContain('Pulled');
    expect(rows[1]!.textContent).toContain('Conflict');
    await fireEvent.click(screen.getByTestId('filter-conflicts'));
    await waitFor(() => expect(t.callsOf('history').at(-1)).toMatchObject({ actions: ['conflict'] }));
    await fireEvent.click(screen.getByTestId('filter-pulls'));
    await waitFor(() => expect(t.callsOf('history').at(-1)).toMatchObject({ actions: ['pull'] }));
  });
});
