// The first-run wizard's second branch: Connect to an existing vault (joinVault).
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../../src-renderer/App.svelte';
import { FakeTransport } from './fake-transport.ts';
import { historyHandler, key, status } from './fixtures.ts';

const notConfigured = () => status({ state: 'not-configured', folder: '', remote: '', vaultId: '', files: 0, bytes: 0, lastSync: undefined });

function engine(joined: { done: boolean }) {
  return new FakeTransport()
    .on('status', () => (joined.done ? status() : notConfigured()))
    .on('bytesPerDay', () => []).on('conflicts', () => []).on('keys', () => [key()])
    .on('audit', () => ({ entries: [], verified: true, total: 0 }))
    .on('hostFeatures', () => ({ pickFolder: false, saveFile: false }))
    .on('checkFolder', (r) => ({ ok: true, folder: r.folder }))
    .on('testDestination', (r) => ({ ok: true, message: `Connected to ${r.remote}` })).on('history', historyHandler(3));
}

// findBy: the wizard's Next asks the engine first (checkFolder, testDestination), so a step shows a moment later.
async function type(testid: string, value: string) {
  await fireEvent.input(await screen.findByTestId(testid), { target: { value } });
}

/** Next, then wait until the engine's check answered (the button is enabled again, or gone). */
async function next() {
  await fireEvent.click(screen.getByTestId('wizard-next'));
  await waitFor(() => expect((screen.queryByTestId('wizard-next') as HTMLButtonElement | null)?.disabled ?? false).toBe(false));
}

const steps = () => screen.getAllByRole('listitem').map((li) => li.textContent?.trim());

describe('First run: Connect to an existing vault', () => {
  it('offers Create (the default) beside Connect, and names the join steps', async () => {
    render(App, { api: engine({ done: false }).client() });
    await screen.findByTestId('view-first-run');
    expect((screen.getByTestId('mode-create') as HTMLInputElement).checked).toBe(true);
    expect(steps()).toEqual(['Folder', 'Destination', 'Key', 'Recovery kit']);
    await fireEvent.click(screen.getByTestId('mode-join'));
    expect(steps()).toEqual(['Folder', 'Vault', 'Key and device', 'Connected']);
    expect(screen.getByTestId('wizard-form').textContent).toContain('merged, never overwritten');
  });

  it('joins with the vault\'s passphrase and a device name, then shows what was pulled and the conflict copies', async () => {
    const joined = { done: false };
    const t = engine(joined).on('joinVault', () => {
      joined.done = true;
      return {
        pulled: 12,
        conflicts: [{ path: 'plan.md', copyPath: 'plan (conflict – Ann – ann-desktop – 2026-11-27 1200).md', memberName: 'Ann', deviceName: 'ann-desktop', time: '2026-11-27T12:00:00.000Z' }],
      };
    });
    render(App, { api: t.client() });
    await screen.findByTestId('view-first-run');
    await fireEvent.click(screen.getByTestId('mode-join'));
    await type('wizard-folder', '/home/ann/Documents');
    await next();
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Where is the vault?');
    await type('wizard-bucket', 'ann-vault');
    await type('wizard-endpoint', 'http://127.0.0.1:7480');
    await fireEvent.click(screen.getByTestId('creds-profile'));
    await type('wizard-profile', 'coffer');
    await next();

    await fireEvent.click(screen.getByTestId('wizard-join'));
    expect(screen.getByTestId('wizard-error').textContent).toBe('Enter the vault\'s passphrase.');
    expect(t.callsOf('joinVault')).toHaveLength(0);
    await type('join-passphrase', 'correct horse battery');
    await type('join-device-name', 'ann-desktop');
    await fireEvent.click(screen.getByTestId('wizard-join'));

    expect((await screen.findByTestId('join-pulled')).textContent).toMatch(/^12 files were downloaded into \/home\/ann\/Documents/);
    expect(screen.getByTestId('join-conflict').textContent).toBe('plan (conflict – Ann – ann-desktop – 2026-11-27 1200).md');
    expect(t.callsOf('joinVault')).toEqual([{
      folder: '/home/ann/Documents', remote: 's3://ann-vault', endpoint: 'http://127.0.0.1:7480', allowHttp: true, profile: 'coffer',
      keyRef: 'passphrase', passphrase: 'correct horse battery', deviceName: 'ann-desktop',
    }]);
    expect(t.callsOf('createVault')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('wizard-finish-join'));
    expect(await screen.findByTestId('view-dashboard')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain('correct horse battery');
  });

  it('joins a folder remote with the recovery key, kept in this computer\'s keychain, and shows a refusal', async () => {
    const t = engine({ done: false }).fail('joinVault', 'invalid-request', 'the recovery key does not open this vault');
    render(App, { api: t.client() });
    await screen.findByTestId('view-first-run');
    await fireEvent.click(screen.getByTestId('mode-join'));
    await type('wizard-folder', '/data');
    await next();
    await fireEvent.click(screen.getByTestId('dest-local'));
    await type('wizard-local-path', '/media/usb/coffer');
    await next();
    await fireEvent.change(screen.getByTestId('join-key'), { target: { value: 'recovery' } });
    await fireEvent.click(screen.getByTestId('wizard-join'));
    expect(screen.getByTestId('wizard-error').textContent).toBe('Enter the vault\'s recovery key.');
    await type('join-recovery-key', ' RK-AAAA-BBBB ');
    await type('join-keychain-name', 'coffer-usb');
    await fireEvent.click(screen.getByTestId('wizard-join'));
    expect((await screen.findByTestId('wizard-error')).textContent).toBe('the recovery key does not open this vault');
    expect(t.callsOf('joinVault')).toEqual([{ folder: '/data', remote: 'file:///media/usb/coffer', recoveryKey: 'RK-AAAA-BBBB', saveKeyRef: 'keychain:coffer-usb' }]);
    expect(screen.queryByTestId('join-done')).toBeNull();
  });

  it('joins a team with a join code: no destination or key to enter, only a device name', async () => {
    const joined = { done: false };
    const code = 'coffer-join1:eyJ2YXVsdElkIjoidi0xIn0.c2lnbmF0dXJl';
    const t = engine(joined).on('joinTeam', () => {
      joined.done = true;
      return { memberId: 'm-bea' };
    });
    render(App, { api: t.client() });
    await screen.findByTestId('view-first-run');
    await fireEvent.click(screen.getByTestId('mode-join'));
    await type('wizard-folder', '/home/bea/Studio');
    await next();
    await fireEvent.click(screen.getByTestId('dest-code'));
    await next();
    expect(screen.getByTestId('wizard-error').textContent).toBe('Paste the join code you were sent.');
    await type('wizard-join-code', 'coffer-id1:not-a-join-code');
    await next();
    expect(screen.getByTestId('wizard-error').textContent).toContain('a join code looks like');
    // Pasted from a chat that wrapped it: the line breaks are dropped.
    await type('wizard-join-code', `${code.slice(0, 20)}\n${code.slice(20)}\n`);
    await next();
    expect(screen.queryByTestId('join-key')).toBeNull();
    await type('join-device-name', 'bea-studio');
    await fireEvent.click(screen.getByTestId('wizard-join'));
    expect((await screen.findByTestId('join-team-done')).textContent).toContain('/home/bea/Studio');
    expect(t.callsOf('joinTeam')).toEqual([{ code, folder: '/home/bea/Studio', deviceName: 'bea-studio' }]);
    expect(t.callsOf('joinVault')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('wizard-finish-join'));
    expect(await screen.findByTestId('view-dashboard')).toBeTruthy();
  });

  it('offers the join code only for Connect: Create never sends one', async () => {
    render(App, { api: engine({ done: false }).client() });
    await screen.findByTestId('view-first-run');
    await type('wizard-folder', '/data');
    await next();
    expect(screen.queryByTestId('dest-code')).toBeNull();
  });

  it('refuses a join request the contract would refuse, before sending it', async () => {
    const t = engine({ done: false }).on('joinVault', () => ({ pulled: 0, conflicts: [] }));
    render(App, { api: t.client() });
    await screen.findByTestId('view-first-run');
    await fireEvent.click(screen.getByTestId('mode-join'));
    await type('wizard-folder', '/data');
    await next();
    await type('wizard-bucket', 'b');
    await type('wizard-endpoint', 'ftp://nope');
    await next();
    // Refused at the destination step itself: nothing is tested or joined with it.
    expect(screen.getByTestId('wizard-error').textContent).toContain('endpoint must be an http(s) URL');
    expect(screen.queryByTestId('join-passphrase')).toBeNull();
    expect(t.callsOf('testDestination')).toHaveLength(0);
    expect(t.callsOf('joinVault')).toHaveLength(0);
  });
});
