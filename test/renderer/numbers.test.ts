import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import Dashboard from '../../src-renderer/views/Dashboard.svelte';
import UsageDialog from '../../src-renderer/components/UsageDialog.svelte';
import { VaultState } from '../../src-renderer/lib/state/vault-state.svelte.ts';
import { formatExactTime } from '../../src-renderer/lib/format.ts';
import { localUtcOffsetMinutes } from '../../src-renderer/lib/day-range.ts';
import { FakeTransport } from './fake-transport.ts';
import { status } from './fixtures.ts';

describe('numbers people can read', () => {
  it('the dashboard says when it last synced as a <time>, exact on hover, and what "Protected" counts', async () => {
    const lastSync = new Date(Date.now() - 3 * 60_000).toISOString();
    const t = new FakeTransport().on('status', () => status({ lastSync, files: 338, bytes: 469 * 1024 ** 2 })).on('bytesPerDay', () => []);
    const vault = new VaultState(t.client());
    vault.start();
    render(Dashboard, { vault });
    const time = (await screen.findByTestId('last-sync')).querySelector('time')!;
    expect(time.textContent).toBe('3 min ago');
    expect(time.getAttribute('datetime')).toBe(lastSync);
    expect(time.getAttribute('title')).toBe(formatExactTime(lastSync));
    const totals = screen.getByTestId('status-totals');
    expect(totals.textContent).toBe('338 files · 469 MiB');
    expect(totals.getAttribute('title')).toMatch(/latest snapshot/);
    // The chart's days are asked for in this machine's zone, the zone every time on screen is shown in.
    expect(t.callsOf('bytesPerDay')[0]).toEqual({ days: 14, utcOffsetMinutes: localUtcOffsetMinutes() });
  });

  it('the dashboard says "1 file", not "1 files"', async () => {
    const t = new FakeTransport().on('status', () => status({ files: 1, bytes: 10 })).on('bytesPerDay', () => []);
    const vault = new VaultState(t.client());
    vault.start();
    render(Dashboard, { vault });
    expect((await screen.findByTestId('status-totals')).textContent).toBe('1 file · 10 B');
  });

  it('the usage scan counts each file once and says how its count relates to the dashboard\'s', () => {
    const usage = {
      ref: 'keychain:work', files: 374, latestFiles: 338,
      byVersion: [{ version: 1, files: 360, objects: 40, examples: ['a.txt'] }, { version: 2, files: 30, objects: 5, examples: ['b.txt'] }],
    };
    render(UsageDialog, { keyRef: 'keychain:work', onlyKey: false, vaultName: null, now: Date.now(), usage, loading: false, error: null, busy: false, onConfirm: () => {}, onClose: () => {} });
    // 360 + 30 would count the 16 files under both versions twice.
    expect(screen.getByTestId('usage-summary').textContent).toContain('In use: 374 files in 45 objects');
    expect(screen.getByTestId('usage-counts').textContent?.replace(/\s+/g, ' ')).toBe(
      '338 in the latest snapshot (the dashboard\'s count), 36 only in older versions or deleted since.',
    );
  });
});
