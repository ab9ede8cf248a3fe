import { describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import Settings from '../../src-renderer/views/Settings.svelte';
import App from '../../src-renderer/App.svelte';
import { SettingsState } from '../../src-renderer/lib/state/settings-state.svelte.ts';
import { LEAVE_GUARD, LeaveGuard } from '../../src-renderer/lib/state/leave-guard.ts';
import { FakeTransport } from './fake-transport.ts';
import { historyHandler, status } from './fixtures.ts';

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
  it('shows loading, then what can change in a labelled control and what cannot as text', async () => {
    const t = new FakeTransport();
    const pending = t.hang('settings');
    setup(t);
    expect(screen.getByTestId('settings-loading')).toBeTruthy();
    pending.release(saved);
    // The folder and the destination cannot change (the engine refuses both): text, not inputs.
    expect((await screen.findByTestId('setting-folder')).tagName).toBe('DD');
    expect(screen.getByTestId('setting-folder').textContent).toBe(saved.folder);
    expect(screen.getByTestId('setting-remote').tagName).toBe('DD');
    expect(screen.getByTestId('setting-remote').textContent).toBe(saved.remote);
    expect(screen.queryByLabelText('Protected folder')).toBeNull();
    expect(screen.getByTestId('settings-form').querySelectorAll('input:disabled, select:disabled, textarea:disabled')).toHaveLength(0);
    expect((screen.getByLabelText(/Ignore rules/) as HTMLTextAreaElement).value).toBe(saved.ignoreRules);
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
    const t = new FakeTransport().on('settings', () => saved).fail('updateSettings', 'store-error', 'folder does not exist');
    setup(t);
    await screen.findByTestId('settings-form');
    await fireEvent.click(screen.getByTestId('save-settings'));
    expect(screen.getByTestId('settings-message').textContent).toBe('Nothing changed.');
    expect(t.callsOf('updateSettings')).toHaveLength(0);
    await fireEvent.input(screen.getByTestId('setting-retention'), { target: { value: '60' } });
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

describe('Settings: checks as you type, fixed fields, unsaved edits', () => {
  it('says why a number cannot be saved while it is typed, and blocks Save until it can', async () => {
    const t = new FakeTransport().on('settings', () => saved).on('updateSettings', (req) => ({ ...saved, ...req.patch }));
    setup(t);
    const rotation = await screen.findByTestId('setting-rotation');
    const save = screen.getByTestId('save-settings') as HTMLButtonElement;
    expect(rotation.getAttribute('aria-invalid')).toBe('false');
    await fireEvent.input(rotation, { target: { value: '30' } });
    const problem = screen.getByTestId('setting-rotation-problem');
    expect(problem.textContent).toBe('Must be from 90 to 2,560 days.');
    expect(rotation.getAttribute('aria-invalid')).toBe('true');
    expect(rotation.getAttribute('aria-describedby')).toBe(problem.id);
    expect(save.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('setting-bandwidth'), { target: { value: '' } });
    expect(screen.getByTestId('setting-bandwidth-problem').textContent).toBe('Enter a whole number from 0 to 10,000,000 KiB/s.');
    await fireEvent.input(screen.getByTestId('setting-retention'), { target: { value: '2.5' } });
    expect(screen.getByTestId('setting-retention-problem').textContent).toBe('Use a whole number from 0 to 36,500 days.');
    await fireEvent.input(rotation, { target: { value: '180' } });
    await fireEvent.input(screen.getByTestId('setting-bandwidth'), { target: { value: '100' } });
    await fireEvent.input(screen.getByTestId('setting-retention'), { target: { value: '3' } });
    expect(screen.queryByTestId('setting-rotation-problem')).toBeNull();
    expect(save.disabled).toBe(false);
    await fireEvent.click(save);
    await waitFor(() => expect(screen.getByTestId('settings-message').textContent).toBe('Saved.'));
    expect(t.callsOf('updateSettings')).toEqual([{ patch: { bandwidthLimitKiBps: 100, retentionDays: 3, rotationPeriodDays: 180 } }]);
  });

  it('shows server-side encryption as text where it cannot change, and never offers switching to SSE-C', async () => {
    const folderDest = new FakeTransport().on('settings', () => ({ ...saved, remote: 'file:///media/usb/coffer' }));
    const first = setup(folderDest);
    await waitFor(() => expect(first.draft).not.toBeNull());
    expect(screen.getByTestId('setting-sse-text').textContent).toContain('a folder destination has no server-side encryption');
    expect(screen.queryByTestId('setting-sse')).toBeNull();
    cleanup();

    const sseC = new FakeTransport().on('settings', () => ({ ...saved, sse: 'c' as const }));
    setup(sseC);
    expect((await screen.findByTestId('setting-sse-text')).textContent).toContain('fixed for this vault');
    expect(screen.queryByTestId('setting-sse')).toBeNull();
    cleanup();

    setup(new FakeTransport().on('settings', () => saved));
    const select = (await screen.findByTestId('setting-sse')) as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['none', 'aes256', 'aws:kms']);
  });

  it('asks "Discard changes?" before leaving with unsaved edits, and keeps them unless told', async () => {
    const t = new FakeTransport().on('settings', () => saved);
    const guard = new LeaveGuard();
    const settings = new SettingsState(t.client());
    void settings.load();
    render(Settings, { props: { settings }, context: new Map([[LEAVE_GUARD, guard]]) });
    await screen.findByTestId('settings-form');
    expect(await guard.mayLeave()).toBe(true);

    await fireEvent.input(screen.getByTestId('setting-retention'), { target: { value: '45' } });
    expect(screen.getByTestId('settings-unsaved')).toBeTruthy();
    let kept = guard.mayLeave();
    const panel = await screen.findByTestId('leave-settings');
    expect(panel.getAttribute('role')).toBe('alertdialog');
    expect(panel.textContent).toContain('Discard changes?');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('keep-editing')));
    await fireEvent.click(screen.getByTestId('keep-editing'));
    expect(await kept).toBe(false);
    expect((screen.getByTestId('setting-retention') as HTMLInputElement).value).toBe('45');
    expect(screen.queryByTestId('leave-settings')).toBeNull();

    kept = guard.mayLeave();
    await fireEvent.click(await screen.findByTestId('discard-changes'));
    expect(await kept).toBe(true);
    expect((screen.getByTestId('setting-retention') as HTMLInputElement).value).toBe('30');
    expect(screen.queryByTestId('settings-unsaved')).toBeNull();
  });

  it('keeps the user on Settings when they choose to keep editing, in the whole app', async () => {
    const t = new FakeTransport().on('status', () => status()).on('bytesPerDay', () => []).on('settings', () => saved)
      .on('history', historyHandler(3)).on('conflicts', () => []);
    render(App, { api: t.client(), initialView: 'settings' });
    await fireEvent.input(await screen.findByTestId('setting-retention'), { target: { value: '45' } });
    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await fireEvent.click(await screen.findByTestId('keep-editing'));
    expect(screen.getByTestId('view-settings')).toBeTruthy();
    expect(screen.getByTestId('nav-settings').getAttribute('aria-current')).toBe('page');
    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    await fireEvent.click(await screen.findByTestId('discard-changes'));
    expect(await screen.findByTestId('view-dashboard')).toBeTruthy();
    // Back on Settings: the saved values, not the discarded draft.
    await fireEvent.click(screen.getByTestId('nav-settings'));
    await waitFor(() => expect((screen.getByTestId('setting-retention') as HTMLInputElement).value).toBe('30'));
  });
});
