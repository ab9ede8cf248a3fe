import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import Settings from '../../src-renderer/views/Settings.svelte';
import { SettingsState } from '../../src-renderer/lib/state/settings-state.svelte.ts';
import { FakeTransport } from './fake-transport.ts';

const saved = {
  folder: '/home/ann/Documents', ignoreRules: '*.tmp\nnode_modules/', remote: 's3://ann-vault/docs', sse: 'none' as const,
  bandwidthLimitKiBps: 0, retentionDays: 30, rotationPeriodDays: 90, launchAtLogin: false, padding: 'off' as const,
};

function setup(t: FakeTransport) {
  const settings = new SettingsState(t.client());
  void settings.load();
  render(Settings, { settings });
  return settings;
}

describe('Settings', () => {
  it('shows loading, then every setting in a labelled control', async () => {
    const t = new FakeTransport();
    const pending = t.hang('settings');
    setup(t);
    expect(screen.getByTestId('settings-loading')).toBeTruthy();
    pending.release(saved);
    expect(((await screen.findByLabelText('Protected folder')) as HTMLInputElement).value).toBe(saved.folder);
    expect((screen.getByLabelText(/Ignore rules/) as HTMLTextAreaElement).value).toBe(saved.ignoreRules);
    expect((screen.getByLabelText(/Destination/) as HTMLInputElement).value).toBe(saved.remote);
    expect((screen.getByLabelText('Server-side encryption') as HTMLSelectElement).value).toBe('none');
    expect((screen.getByLabelText(/Bandwidth limit/) as HTMLInputElement).value).toBe('0');
    expect((screen.getByLabelText(/Keep old versions/) as HTMLInputElement).value).toBe('30');
    expect((screen.getByLabelText(/Rotate keys every/) as HTMLInputElement).value).toBe('90');
    expect((screen.getByLabelText('Launch at login') as HTMLInputElement).checked).toBe(false);
    expect((screen.getByLabelText('Size padding') as HTMLSelectElement).value).toBe('off');
  });

  it('turns size padding on: the patch holds only padding, and the view shows what was saved', async () => {
    const t = new FakeTransport().on('settings', () => saved)
      .on('updateSettings', (req) => ({ ...saved, ...req.patch }));
    setup(t);
    const select = (await screen.findByLabelText('Size padding')) as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['off', 'padme']);
    expect(select.getAttribute('aria-describedby')).toBe('s-pad-help');
    await fireEvent.change(select, { target: { value: 'padme' } });
    await fireEvent.click(screen.getByTestId('save-settings'));
    await waitFor(() => expect(screen.getByTestId('settings-message').textContent).toBe('Saved.'));
    expect(t.callsOf('updateSettings')).toEqual([{ patch: { padding: 'padme' } }]);
    expect((screen.getByLabelText('Size padding') as HTMLSelectElement).value).toBe('padme');
  });

  it('shows an error with Retry', async () => {
    const t = new FakeTransport().fail('settings', 'not-configured', 'No vault yet');
    setup(t);
    expect((await screen.findByTestId('settings-error')).textContent).toContain('No vault yet');
    t.on('settings', () => saved);
    await fireEvent.click(screen.getByTestId('settings-error-retry'));
    expect(await screen.findByTestId('settings-form')).toBeTruthy();
  });

  it('saves only the fields that changed', async () => {
    const t = new FakeTransport().on('settings', () => saved)
      .on('updateSettings', (req) => ({ ...saved, ...req.patch }));
    setup(t);
    await screen.findByTestId('settings-form');
    await fireEvent.input(screen.getByTestId('setting-bandwidth'), { target: { value: '512' } });
    await fireEvent.click(screen.getByTestId('setting-launch'));
    await fireEvent.change(screen.getByTestId('setting-sse'), { target: { value: 'aws:kms' } });
    await fireEvent.click(screen.getByTestId('save-settings'));
    await waitFor(() => expect(screen.getByTestId('settings-message').textContent).toBe('Saved.'));
    expect(t.callsOf('updateSettings')).toEqual([{ patch: { bandwidthLimitKiBps: 512, launchAtLogin: true, sse: 'aws:kms' } }]);
  });

  it('does not call the engine when nothing changed, and reports a rejected save', async () => {
    const t = new FakeTransport().on('settings', () => saved).fail('updateSettings', 'invalid-request', 'folder does not exist');
    setup(t);
    await screen.findByTestId('settings-form');
    await fireEvent.click(screen.getByTestId('save-settings'));
    expect(screen.getByTestId('settings-message').textContent).toBe('Nothing changed.');
    expect(t.callsOf('updateSettings')).toHaveLength(0);
    await fireEvent.input(screen.getByTestId('setting-folder'), { target: { value: '/nope' } });
    await fireEvent.click(screen.getByTestId('save-settings'));
    await waitFor(() => expect(screen.getByTestId('settings-message').textContent).toBe('Not saved: folder does not exist'));
  });

  it('handles long ignore rules', async () => {
    const rules = Array.from({ length: 2000 }, (_, i) => `build-${i}/`).join('\n');
    const t = new FakeTransport().on('settings', () => ({ ...saved, ignoreRules: rules }));
    setup(t);
    expect(((await screen.findByTestId('setting-ignore')) as HTMLTextAreaElement).value.split('\n')).toHaveLength(2000);
  });
});
