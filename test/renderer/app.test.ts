import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../../src-renderer/App.svelte';
import { FakeTransport } from './fake-transport.ts';
import { historyHandler, key, status } from './fixtures.ts';

function engine(t: FakeTransport) {
  return t.on('status', () => status()).on('bytesPerDay', () => []).on('keys', () => [key()])
    .on('audit', () => ({ entries: [], verified: true, total: 0 }))
    .on('hostFeatures', () => ({ pickFolder: false, saveFile: false }))
    .on('checkFolder', (r) => ({ ok: true, folder: r.folder }))
    .on('testDestination', (r) => ({ ok: true, message: `Connected to ${r.remote}` })).on('history', historyHandler(10));
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

describe('App and first run', () => {
  it('shows the connecting state, then an unreachable error with Retry', async () => {
    const t = new FakeTransport();
    const pending = t.hang('status');
    render(App, { api: t.client() });
    expect(screen.getByTestId('app-loading')).toBeTruthy();
    pending.release(status());
    expect(await screen.findByTestId('view-dashboard')).toBeTruthy();

    const down = new FakeTransport().fail('status', 'unauthorized', 'bad token');
    const second = render(App, { api: down.client() });
    expect((await second.findByTestId('app-error')).textContent).toContain('bad token');
  });

  it('navigates between views with real buttons and marks the current one', async () => {
    const t = engine(new FakeTransport());
    render(App, { api: t.client() });
    await screen.findByTestId('view-dashboard');
    await fireEvent.click(screen.getByTestId('nav-keys'));
    expect(await screen.findByTestId('key-card')).toBeTruthy();
    expect(screen.getByTestId('nav-keys').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('nav-dashboard').getAttribute('aria-current')).toBeNull();
    await fireEvent.click(screen.getByTestId('nav-history'));
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(10));
    // Opening a view starts it once: a start() that re-ran its own effect would fetch in a loop.
    expect(t.callsOf('history')).toHaveLength(1);
    expect(t.callsOf('keys')).toHaveLength(1);
    // Leaving a view drops its subscription: only the app-wide one and the history one remain.
    expect(t.subscriberCount).toBe(2);
    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    expect(t.subscriberCount).toBe(1);
  });

  it('walks the first-run wizard, shows the recovery kit once, and requires "I saved it"', async () => {
    let created = false;
    const t = engine(new FakeTransport())
      .on('status', () => (created ? status() : status({ state: 'not-configured', folder: '', remote: '', vaultId: '', files: 0, bytes: 0, lastSync: undefined })))
      .on('createVault', () => {
        created = true;
        return { recoveryKey: 'COFFER-RK-ABCD-EFGH-IJKL', vaultId: 'v-1', remote: 's3://ann-vault/docs' };
      })
      .on('confirmRecoverySaved', () => null);
    render(App, { api: t.client() });
    await screen.findByTestId('view-first-run');

    await next();
    expect(screen.getByTestId('wizard-error').textContent).toBe('Choose the folder to protect.');
    await type('wizard-folder', '/home/ann/Documents');
    await next();

    await type('wizard-bucket', 'ann-vault');
    await type('wizard-prefix', 'docs');
    await type('wizard-endpoint', 'http://127.0.0.1:7480');
    await fireEvent.click(screen.getByTestId('creds-profile'));
    await type('wizard-profile', 'coffer');
    await next();

    await fireEvent.change(screen.getByTestId('wizard-provider'), { target: { value: 'passphrase' } });
    await type('wizard-passphrase', 'correct horse battery');
    await type('wizard-passphrase-again', 'correct horse batterx');
    await fireEvent.click(screen.getByTestId('wizard-create'));
    expect(screen.getByTestId('wizard-error').textContent).toBe('The two passphrases differ.');
    await type('wizard-passphrase-again', 'correct horse battery');
    await fireEvent.click(screen.getByTestId('wizard-create'));

    expect((await screen.findByTestId('recovery-key')).textContent).toBe('COFFER-RK-ABCD-EFGH-IJKL');
    expect(t.callsOf('createVault')).toEqual([{
      folder: '/home/ann/Documents', remote: 's3://ann-vault/docs', keyRef: 'passphrase', endpoint: 'http://127.0.0.1:7480',
      allowHttp: true, profile: 'coffer', passphrase: 'correct horse battery',
    }]);
    const finish = screen.getByTestId('wizard-finish') as HTMLButtonElement;
    expect(finish.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('recovery-saved'));
    expect(finish.disabled).toBe(false);
    await fireEvent.click(finish);
    expect(await screen.findByTestId('view-dashboard')).toBeTruthy();
    expect(t.callsOf('confirmRecoverySaved')).toHaveLength(1);
    expect(screen.queryByText('COFFER-RK-ABCD-EFGH-IJKL')).toBeNull();
  });

  it('builds a local-folder destination with a keychain key, and shows a createVault failure', async () => {
    const t = new FakeTransport().fail('status', 'not-configured', 'no vault')
      .on('hostFeatures', () => ({ pickFolder: false, saveFile: false }))
      .on('checkFolder', (r) => ({ ok: true, folder: r.folder }))
      .on('testDestination', (r) => ({ ok: true, message: `Connected to ${r.remote}` }))
      .fail('createVault', 'store-error', 'destination is not writable');
    render(App, { api: t.client() });
    await screen.findByTestId('view-first-run');
    await type('wizard-folder', '/data');
    await next();
    await fireEvent.click(screen.getByTestId('dest-local'));
    await type('wizard-local-path', '/media/usb/coffer');
    await next();
    await fireEvent.click(screen.getByTestId('wizard-create'));
    expect((await screen.findByTestId('wizard-error')).textContent).toBe('destination is not writable');
    expect(t.callsOf('createVault')).toEqual([{ folder: '/data', remote: 'file:///media/usb/coffer', keyRef: 'keychain:coffer' }]);
    expect(screen.queryByTestId('recovery-kit')).toBeNull();
  });
});
