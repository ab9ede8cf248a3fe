// axe-core in jsdom for the states the browser run (test/e2e/a11y.e2e.test.ts) cannot reach with a real
// engine: a pass in progress, a mass delete held back, conflicts with their versions panel, the app when
// the engine is unreachable, and each view's load error. The whole App renders, so landmarks and heading
// order are the real ones. jsdom has no layout: colour contrast is checked in Chromium only, and the
// document-level rules (title, lang) by the e2e run over the real index.html.
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../../src-renderer/App.svelte';
import { FakeTransport } from './fake-transport.ts';
import { historyHandler, iso, key, NOW, status, team } from './fixtures.ts';

// axe probes a canvas for icon ligatures; jsdom has none and logs "not implemented": answer as a browser
// without a 2D context would.
HTMLCanvasElement.prototype.getContext = () => null;

async function violations(): Promise<string> {
  const results = await axe.run(document.body, {
    resultTypes: ['violations'],
    rules: { 'color-contrast': { enabled: false }, 'document-title': { enabled: false }, 'html-has-lang': { enabled: false } },
  });
  return results.violations.map((v) => `${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`).join('\n');
}

function engine() {
  return new FakeTransport().on('bytesPerDay', () => [{ day: '2026-11-27', bytes: 2048 }]).on('keys', () => [key()])
    .on('audit', () => ({ entries: [], verified: true })).on('history', historyHandler(5)).on('team', () => team());
}

const CONFLICT = {
  path: 'reports/q3.xlsx', copyPath: 'reports/q3 (conflict – Bea – bea-studio – 2026-11-27 1130).xlsx',
  memberName: 'Bea', deviceName: 'bea-studio', time: iso(NOW - 30 * 60_000),
};

describe('axe-core over states only the component tests reach', () => {
  it('finds a known violation (so a clean result means something)', async () => {
    const probe = document.createElement('main');
    probe.innerHTML = '<h1>probe</h1><button></button>';
    document.body.append(probe);
    expect(await violations()).toContain('button-name');
    probe.remove();
  });

  it('the dashboard syncing with progress, then holding back a mass delete', async () => {
    const t = engine().on('status', () => status({ state: 'syncing' }));
    render(App, { api: t.client() });
    await screen.findByTestId('view-dashboard');
    t.emit({ type: 'progress', progress: { filesDone: 3, filesTotal: 10, bytesDone: 3 << 20, bytesTotal: 10 << 20, etaSeconds: 125 } });
    await screen.findByTestId('sync-progress');
    expect(await violations()).toBe('');
    t.emit({ type: 'status', status: status({ state: 'error', error: '4 of 6 files are gone', massDelete: { wouldDelete: 4, total: 6 },
      failures: [{ path: 'a/b.txt', reason: 'permission denied', time: iso(NOW) }] }) });
    await screen.findByTestId('mass-delete');
    expect(await violations()).toBe('');
  });

  it('conflicts on the dashboard with the versions panel open', async () => {
    const t = engine().on('status', () => status()).on('conflicts', () => [CONFLICT])
      .on('versions', () => [{ versionId: 'v1', time: iso(NOW), size: 10, hash: 'h', deleted: false, device: 'bea-studio' },
        { versionId: 'v0', time: iso(NOW - 60_000), size: 0, hash: '', deleted: true, device: 'bea-studio' }]);
    render(App, { api: t.client() });
    await fireEvent.click(await screen.findByTestId('conflict-versions-copy'));
    await screen.findAllByTestId('version-row');
    expect(await violations()).toBe('');
  });

  it('the app when the engine is unreachable, and each view when it cannot load', async () => {
    const down = render(App, { api: new FakeTransport().fail('status', 'internal', 'connection refused').client() });
    await screen.findByTestId('app-error');
    expect(await violations()).toBe('');
    down.unmount();

    const t = engine().on('status', () => status()).fail('keys', 'internal', 'no keys').fail('history', 'internal', 'no history')
      .fail('team', 'internal', 'no team').fail('settings', 'internal', 'no settings').fail('providerView', 'internal', 'no view');
    render(App, { api: t.client() });
    await screen.findByTestId('view-dashboard');
    for (const [view, error] of [['keys', 'keys-error'], ['history', 'history-error'], ['team', 'team-error'],
      ['settings', 'settings-error'], ['provider', 'provider-error']] as const) {
      await fireEvent.click(screen.getByTestId(`nav-${view}`));
      await waitFor(() => expect(screen.getByTestId(error)).toBeTruthy());
      expect(await violations(), view).toBe('');
    }
  });
});
