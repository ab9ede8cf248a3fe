// The states where Coffer is not syncing and must say so: the destination missing at start (and back),
// the error state's honesty, the recovery-key unlock, and the progress of a running pass.
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../../src-renderer/App.svelte';
import Dashboard from '../../src-renderer/views/Dashboard.svelte';
import { VaultState } from '../../src-renderer/lib/state/vault-state.svelte.ts';
import { FakeTransport } from './fake-transport.ts';
import { iso, NOW, status } from './fixtures.ts';

const missing = () => status({
  state: 'error', remote: 'file:///media/ann/USB%20disk/coffer', files: 1234, bytes: 5 * 1024 ** 3, totalsFromCache: true,
  error: 'Coffer could not reach the destination: destination folder /media/ann/USB disk/coffer does not exist',
  errorCode: 'destination-missing', nextRetry: iso(Date.now() + 60 * 60_000),
});

function dashboard(t: FakeTransport) {
  const vault = new VaultState(t.client());
  const stop = vault.start();
  render(Dashboard, { vault });
  return { vault, stop };
}

describe('destination missing at start', () => {
  it('says what the vault still holds, what happened, what to do and when it tries again, with one Retry', async () => {
    const t = new FakeTransport().on('status', missing).on('bytesPerDay', () => []).on('conflicts', () => [])
      .fail('syncNow', 'store-error', 'destination folder /media/ann/USB disk/coffer does not exist');
    const { stop } = dashboard(t);
    expect((await screen.findByTestId('sync-state')).dataset.state).toBe('error');
    expect(screen.getByTestId('status-totals').textContent).toBe('1,234 files · 5.0 GiB');
    expect(screen.getByText('Protected (as of the last sync)')).toBeTruthy();
    expect(screen.getByTestId('status-error').textContent).toContain('does not exist');
    expect(screen.getByTestId('error-next-step').textContent).toContain('Plug in the disk at /media/ann/USB disk/coffer');
    expect(screen.getByTestId('next-retry').textContent).toMatch(/^Next automatic try: \d{4}-\d\d-\d\d \d\d:\d\d$/);
    // One Retry; no Sync now or Pause (no vault runs yet), and no "No failures" beside the Error badge.
    expect(screen.getAllByRole('button').map((b) => b.textContent?.trim())).toEqual(['Retry']);
    expect(screen.queryByTestId('failures')).toBeNull();
    expect(document.body.textContent).not.toContain('No failures');
    expect(screen.queryByTestId('bytes-chart')).toBeNull();

    // Retry while the disk is still away: the same error is not said twice.
    await fireEvent.click(screen.getByTestId('retry-sync'));
    await waitFor(() => expect(t.callsOf('syncNow')).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId('retry-sync').hasAttribute('disabled')).toBe(false));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getAllByText(/does not exist/)).toHaveLength(1);
    stop();
  });

  it('recovers to normal when the status event says the vault opened', async () => {
    const t = new FakeTransport().on('status', missing).on('bytesPerDay', () => []).on('conflicts', () => []);
    const { stop } = dashboard(t);
    await screen.findByTestId('error-state');
    t.emit({ type: 'status', status: status({ state: 'syncing' }) });
    await waitFor(() => expect(screen.getByTestId('sync-state').dataset.state).toBe('syncing'));
    t.emit({ type: 'status', status: status() });
    await waitFor(() => expect(screen.getByTestId('sync-state').dataset.state).toBe('up-to-date'));
    expect(screen.queryByTestId('error-state')).toBeNull();
    expect(screen.getByText('Protected')).toBeTruthy();
    expect(screen.getByTestId('sync-now')).toBeTruthy();
    expect(screen.getByTestId('pause')).toBeTruthy();
    stop();
  });

  it('gives each kind of error its own next step', async () => {
    const cases: [Partial<ReturnType<typeof status>>, string][] = [
      [{ remote: 's3://ann-vault/docs', errorCode: 'destination-unreachable' }, 'Check the network or credentials'],
      [{ errorCode: 'access-denied' }, 'Check the credentials'],
      [{ failures: [{ path: 'locked.xlsx', reason: 'EBUSY', time: iso(NOW) }] }, 'Close programs that hold these files open'],
      [{}, 'Retry. If it keeps failing, History has the details.'],
    ];
    for (const [over, step] of cases) {
      const t = new FakeTransport().on('status', () => status({ state: 'error', error: 'it failed', ...over })).on('bytesPerDay', () => []).on('conflicts', () => []);
      const { stop } = dashboard(t);
      expect((await screen.findByTestId('error-next-step')).textContent).toContain(step);
      expect(screen.getAllByRole('button', { name: 'Retry' })).toHaveLength(1);
      stop();
      document.body.innerHTML = '';
    }
  });
});

describe('progress of a running pass', () => {
  it('shows the speed and the file being stored', async () => {
    const t = new FakeTransport().on('status', () => status({ state: 'syncing' })).on('bytesPerDay', () => []).on('conflicts', () => []);
    const { stop } = dashboard(t);
    await screen.findByTestId('sync-state');
    t.emit({ type: 'progress', progress: { filesDone: 3, filesTotal: 10, bytesDone: 30 * 1024 ** 2, bytesTotal: 90 * 1024 ** 2, bytesPerSecond: 2.5 * 1024 ** 2, currentFile: 'photos/2026/beach.jpg', etaSeconds: 24 } });
    expect((await screen.findByTestId('progress-speed')).textContent).toBe('2.5 MiB/s');
    expect(screen.getByTestId('progress-current').textContent).toBe('photos/2026/beach.jpg');
    stop();
  });
});

describe('the Unlock view', () => {
  it('offers the recovery key instead of the passphrase, and sends only the key', async () => {
    let unlocked = false;
    const t = new FakeTransport()
      .on('status', () => {
        if (!unlocked) throw { code: 'key-unavailable', message: 'The vault is locked: enter its passphrase to unlock it' };
        return status();
      })
      .on('bytesPerDay', () => []).on('conflicts', () => [])
      .on('unlock', (req) => {
        if ((req as { recoveryKey?: string }).recoveryKey !== 'CR1-AAAA-BBBB') throw { code: 'key-unavailable', message: 'this is not the recovery key of this vault' };
        unlocked = true;
        return undefined;
      });
    render(App, { api: t.client() });
    await screen.findByTestId('unlock-passphrase');
    await fireEvent.click(screen.getByRole('button', { name: 'Use the recovery key' }));
    const key = screen.getByLabelText('Recovery key');
    expect(screen.queryByTestId('unlock-passphrase')).toBeNull();
    await fireEvent.input(key, { target: { value: 'CR1-WRONG' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    expect((await screen.findByTestId('unlock-error')).textContent).toContain('not the recovery key');
    await fireEvent.input(key, { target: { value: '  CR1-AAAA-BBBB\n' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    expect(await screen.findByTestId('view-dashboard')).toBeTruthy();
    expect(t.callsOf('unlock')).toEqual([{ recoveryKey: 'CR1-WRONG' }, { recoveryKey: 'CR1-AAAA-BBBB' }]);
  });

  it('shows the unlock form when a waiting vault turns out locked once its disk is back', async () => {
    let phase: 'missing' | 'locked' = 'missing';
    const t = new FakeTransport()
      .on('status', () => {
        if (phase === 'locked') throw { code: 'key-unavailable', message: 'The vault is locked: enter its passphrase to unlock it' };
        return missing();
      })
      .on('bytesPerDay', () => []).on('conflicts', () => [])
      .on('syncNow', () => {
        phase = 'locked';
        throw { code: 'key-unavailable', message: 'the destination is back; the vault needs its passphrase' };
      });
    render(App, { api: t.client() });
    await screen.findByTestId('error-state');
    await fireEvent.click(screen.getByTestId('retry-sync'));
    expect(await screen.findByTestId('unlock-passphrase')).toBeTruthy();
    expect(screen.queryByTestId('error-state')).toBeNull();
  });
});
