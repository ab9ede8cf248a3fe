import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import Dashboard from '../../src-renderer/views/Dashboard.svelte';
import { VaultState } from '../../src-renderer/lib/state/vault-state.svelte.ts';
import { FakeTransport } from './fake-transport.ts';
import { iso, NOW, status } from './fixtures.ts';

function setup(t: FakeTransport) {
  const vault = new VaultState(t.client());
  const stop = vault.start();
  const r = render(Dashboard, { vault });
  return { vault, stop, ...r };
}

describe('Dashboard', () => {
  it('shows a loading state until the status arrives', async () => {
    const t = new FakeTransport().on('bytesPerDay', () => []);
    const pending = t.hang('status');
    setup(t);
    expect(screen.getByTestId('dashboard-loading')).toBeTruthy();
    pending.release(status());
    expect((await screen.findByTestId('sync-state')).textContent).toContain('Up to date');
  });

  it('shows an error with Retry that loads again', async () => {
    const t = new FakeTransport().fail('status', 'internal', 'engine crashed').on('bytesPerDay', () => []);
    setup(t);
    const err = await screen.findByTestId('dashboard-error');
    expect(err.textContent).toContain('engine crashed');
    t.on('status', () => status());
    await fireEvent.click(screen.getByTestId('dashboard-error-retry'));
    expect((await screen.findByTestId('sync-state')).dataset.state).toBe('up-to-date');
    expect(t.callsOf('status')).toHaveLength(2);
  });

  it('shows the empty vault: never synced, no failures, no chart data', async () => {
    const t = new FakeTransport().on('status', () => status({ lastSync: undefined, files: 0, bytes: 0 })).on('bytesPerDay', () => []);
    setup(t);
    expect((await screen.findByTestId('last-sync')).textContent).toBe('Never');
    expect(screen.getByTestId('failures').textContent).toContain('No failures');
    expect(screen.getByTestId('bytes-chart').textContent).toContain('No uploads yet');
  });

  it('follows live events: syncing with progress, then up to date', async () => {
    const t = new FakeTransport().on('status', () => status()).on('bytesPerDay', () => []);
    setup(t);
    await screen.findByTestId('sync-state');
    t.emit({ type: 'status', status: status({ state: 'syncing' }) });
    t.emit({ type: 'progress', progress: { filesDone: 3, filesTotal: 10, bytesDone: 3 * 1024 * 1024, bytesTotal: 10 * 1024 * 1024, etaSeconds: 125 } });
    await waitFor(() => expect(screen.getByTestId('sync-state').textContent).toContain('Syncing'));
    expect(screen.getByTestId('progress-files').textContent).toBe('3 of 10 files');
    expect(screen.getByTestId('progress-bytes').textContent).toBe('3.0 MiB of 10 MiB');
    expect(screen.getByTestId('progress-eta').textContent).toBe('2 min left');
    t.emit({ type: 'status', status: status({ state: 'up-to-date' }) });
    await waitFor(() => expect(screen.queryByTestId('sync-progress')).toBeNull());
  });

  it('lists failures in the error state and retries with its one Retry', async () => {
    const failures = [{ path: 'a.txt', reason: 'S3 answered 503 SlowDown', time: iso(NOW) }];
    let synced = 0;
    const t = new FakeTransport()
      .on('status', () => (synced ? status() : status({ state: 'error', error: 'Uploads are failing', failures })))
      .on('bytesPerDay', () => [])
      .on('syncNow', () => {
        synced += 1;
        return { uploaded: 1, deleted: 0, renamed: 0, skipped: 0, errors: 0, bytes: 10, state: 'up-to-date' };
      });
    setup(t);
    expect((await screen.findByTestId('sync-state')).textContent).toContain('Error');
    expect(screen.getByTestId('failure').textContent).toContain('S3 answered 503');
    expect(screen.queryByTestId('retry-failures')).toBeNull();
    await fireEvent.click(screen.getByTestId('retry-sync'));
    await waitFor(() => expect(screen.getByTestId('sync-state').textContent).toContain('Up to date'));
    expect(synced).toBe(1);
  });

  it('shows a name that is not UTF-8 with its bytes escaped, as the CLI prints it', async () => {
    const failures = [{ path: 'dir-\udcff/caf\udce9.txt', reason: 'permission denied; not backed up', time: iso(NOW) }];
    const t = new FakeTransport().on('status', () => status({ state: 'error', failures })).on('bytesPerDay', () => []);
    setup(t);
    expect((await screen.findByTestId('failure')).textContent).toContain('dir-\\xFF/caf\\xE9.txt: permission denied');
  });

  it('offers Retry for a failed pass with no per-file failures (the store is down)', async () => {
    let synced = 0;
    const t = new FakeTransport()
      .on('status', () => (synced ? status() : status({ state: 'error', error: 'S3 is unreachable', failures: [] })))
      .on('bytesPerDay', () => [])
      .on('syncNow', () => {
        synced += 1;
        return { uploaded: 0, deleted: 0, renamed: 0, skipped: 0, errors: 0, bytes: 0, state: 'up-to-date' };
      });
    setup(t);
    expect((await screen.findByTestId('status-error')).textContent).toContain('S3 is unreachable');
    expect(screen.queryByTestId('retry-failures')).toBeNull();
    await fireEvent.click(screen.getByTestId('retry-sync'));
    await waitFor(() => expect(screen.getByTestId('sync-state').textContent).toContain('Up to date'));
    expect(synced).toBe(1);
  });

  it('asks before a mass delete, and confirming syncs with allowMassDelete', async () => {
    let confirmed = false;
    const t = new FakeTransport()
      .on('status', () => (confirmed ? status() : status({ state: 'error', error: '4 of 6 files are gone', massDelete: { wouldDelete: 4, total: 6 } })))
      .on('bytesPerDay', () => [])
      .on('syncNow', (req) => {
        confirmed = (req as { allowMassDelete?: boolean }).allowMassDelete === true;
        return { uploaded: 0, deleted: 4, renamed: 0, skipped: 0, errors: 0, bytes: 0, state: 'up-to-date' };
      });
    setup(t);
    expect((await screen.findByTestId('mass-delete')).textContent).toMatch(/4 of 6 files are no longer\s+in the folder/);
    expect(screen.queryByTestId('status-error')).toBeNull();
    await fireEvent.click(screen.getByTestId('confirm-mass-delete'));
    await waitFor(() => expect(screen.getByTestId('sync-state').textContent).toContain('Up to date'));
    expect(t.callsOf('syncNow')).toEqual([{ allowMassDelete: true }]);
    expect(screen.queryByTestId('mass-delete')).toBeNull();
  });

  it('offers Resume when paused and reports a failed action', async () => {
    const t = new FakeTransport().on('status', () => status({ state: 'paused' })).on('bytesPerDay', () => [])
      .fail('resume', 'store-error', 'bucket not found');
    setup(t);
    expect((await screen.findByTestId('sync-state')).textContent).toContain('Paused');
    await fireEvent.click(screen.getByTestId('resume'));
    expect((await screen.findByRole('alert')).textContent).toContain('bucket not found');
  });

  it('draws one bar per day for a lot of data', async () => {
    const days = Array.from({ length: 366 }, (_, i) => ({ day: iso(NOW - i * 86_400_000).slice(0, 10), bytes: i * 1000 }));
    const t = new FakeTransport().on('status', () => status({ failures: Array.from({ length: 500 }, (_, i) => ({ path: `f${i}`, reason: 'x', time: iso(NOW) })) }))
      .on('bytesPerDay', () => days);
    setup(t);
    await waitFor(() => expect(screen.getAllByTestId('chart-bar')).toHaveLength(366));
    expect(screen.getAllByTestId('failure')).toHaveLength(50);
    expect(screen.getByTestId('failures').textContent).toContain('and 450 more');
  });

  it('unsubscribes when stopped', async () => {
    const t = new FakeTransport().on('status', () => status()).on('bytesPerDay', () => []);
    const { stop } = setup(t);
    expect(t.subscriberCount).toBe(1);
    stop();
    expect(t.subscriberCount).toBe(0);
  });
});
