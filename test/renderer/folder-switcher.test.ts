// The folder switcher over a fake engine of three folders: names and states, switching reloads the
// views for the chosen folder, events of other folders stay out of the views, a locked folder keeps
// the switcher, and "Add folder…" opens the wizard and can be cancelled.
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../../src-renderer/App.svelte';
import { FakeTransport } from './fake-transport.ts';
import { historyHandler, key, status } from './fixtures.ts';
import type { Response } from '../../src-main/ipc/contract.ts';

type Folder = Response<'folders'>[number];

/** An engine holding three folders; `locked` ones answer key-unavailable as the real dispatcher does. */
function engine(opts: { locked?: string[]; unreachable?: string[] } = {}) {
  const folders: Folder[] = [
    { vaultId: 'v-docs', folder: '/home/ann/Documents', name: 'Documents', state: 'up-to-date', selected: true },
    { vaultId: 'v-photos', folder: '/home/ann/Photos', name: 'Photos', state: 'syncing', selected: false },
    { vaultId: 'v-taxes', folder: '/home/ann/Taxes', name: 'Taxes', state: 'locked', selected: false },
  ];
  const selected = () => folders.find((f) => f.selected)!;
  const locked = new Set(opts.locked ?? ['v-taxes']);
  const t = new FakeTransport()
    .on('folders', () => folders.map((f) => ({ ...f })))
    .on('selectFolder', ({ vaultId }) => {
      for (const f of folders) f.selected = f.vaultId === vaultId;
      return folders.map((f) => ({ ...f }));
    })
    .on('status', () => {
      const f = selected();
      if (locked.has(f.vaultId)) throw { code: 'key-unavailable', message: 'The vault is locked: enter its passphrase to unlock it' };
      if (opts.unreachable?.includes(f.vaultId)) throw { code: 'store-error', message: 'Plug in the disk at /media/usb' };
      return status({ folder: f.folder, vaultId: f.vaultId, state: f.state === 'locked' ? 'up-to-date' : f.state });
    })
    .on('bytesPerDay', () => []).on('conflicts', () => []).on('keys', () => [key()])
    .on('history', historyHandler(3))
    // The wizard's Next asks the engine first (first-run-checks): both pass here.
    .on('hostFeatures', () => ({ pickFolder: false, saveFile: false }))
    .on('checkFolder', (r) => ({ ok: true, folder: r.folder }))
    .on('testDestination', (r) => ({ ok: true, message: `Connected to ${r.remote}` }));
  return { t, folders, locked };
}

/** Next, then wait until the engine's check answered (the button is enabled again, or gone). */
async function next() {
  await fireEvent.click(screen.getByTestId('wizard-next'));
  await waitFor(() => expect((screen.queryByTestId('wizard-next') as HTMLButtonElement | null)?.disabled ?? false).toBe(false));
}

async function openSwitcher() {
  const toggle = await screen.findByTestId('folder-switcher-toggle');
  if (toggle.getAttribute('aria-expanded') !== 'true') await fireEvent.click(toggle);
  return screen.getAllByTestId('folder-option');
}

describe('FolderSwitcher', () => {
  it('shows each folder with its state and switches the views to the chosen one', async () => {
    const { t } = engine();
    render(App, { api: t.client() });
    expect((await screen.findByTestId('status-folder')).textContent).toBe('/home/ann/Documents');
    const toggle = await screen.findByTestId('folder-switcher-toggle');
    await waitFor(() => expect(toggle.textContent).toContain('Documents'));
    expect(screen.getByTestId('folder-current-state').textContent).toBe('Up to date');

    const options = await openSwitcher();
    expect(options.map((o) => [o.querySelector('.name')?.textContent, within(o).getByTestId('folder-option-state').textContent])).toEqual([
      ['Documents', 'Up to date'], ['Photos', 'Syncing'], ['Taxes', 'Locked'],
    ]);
    expect(options[0]!.getAttribute('aria-current')).toBe('true');
    expect(options[1]!.getAttribute('title')).toBe('/home/ann/Photos');

    // On the History view, switching reloads that view for the new folder, and the dashboard's status.
    await fireEvent.click(screen.getByTestId('nav-history'));
    await waitFor(() => expect(t.callsOf('history')).toHaveLength(1));
    await fireEvent.click((await openSwitcher())[1]!);
    expect(t.callsOf('selectFolder')).toEqual([{ vaultId: 'v-photos' }]);
    await waitFor(() => expect(t.callsOf('history')).toHaveLength(2));
    await waitFor(() => expect(toggle.textContent).toContain('Photos'));
    // The menu closed, focus went back to the toggle, and the switch was announced.
    expect(screen.queryByTestId('folder-option')).toBeNull();
    expect(document.activeElement).toBe(toggle);
    expect(screen.getByTestId('announcer').textContent).toBe('Folder: Photos');
    await fireEvent.click(screen.getByTestId('nav-dashboard'));
    expect((await screen.findByTestId('status-folder')).textContent).toBe('/home/ann/Photos');
  });

  it("shows only the selected folder's events in the views, and every folder's state in the switcher", async () => {
    const { t } = engine();
    render(App, { api: t.client() });
    await screen.findByTestId('status-folder');
    await waitFor(() => expect(screen.getByTestId('folder-switcher-toggle').textContent).toContain('Documents'));

    // Photos' pass failing: the dashboard (Documents) is untouched; the switcher shows Photos in error.
    t.emit({ type: 'status', vaultId: 'v-photos', status: status({ folder: '/home/ann/Photos', vaultId: 'v-photos', state: 'error', error: 'disk gone' }) });
    const options = await openSwitcher();
    expect(within(options[1]!).getByTestId('folder-option-state').textContent).toBe('Error');
    expect(screen.getByTestId('status-folder').textContent).toBe('/home/ann/Documents');
    expect(screen.getByTestId('header-state').getAttribute('data-state')).toBe('up-to-date');

    // The selected folder's own event reaches the dashboard.
    t.emit({ type: 'status', vaultId: 'v-docs', status: status({ folder: '/home/ann/Documents', vaultId: 'v-docs', state: 'syncing' }) });
    await waitFor(() => expect(screen.getByTestId('header-state').getAttribute('data-state')).toBe('syncing'));
    expect(screen.getByTestId('folder-current-state').textContent).toBe('Syncing');
  });

  it('shows the unlock form for a locked folder and keeps the switcher to go back', async () => {
    const { t } = engine();
    render(App, { api: t.client() });
    await screen.findByTestId('status-folder');
    await fireEvent.click((await openSwitcher())[2]!);
    expect(await screen.findByTestId('view-unlock')).toBeTruthy();
    expect(screen.queryByTestId('view-dashboard')).toBeNull();

    await fireEvent.click((await openSwitcher())[0]!);
    expect((await screen.findByTestId('status-folder')).textContent).toBe('/home/ann/Documents');
    expect(screen.queryByTestId('view-unlock')).toBeNull();
  });

  it('shows a folder that cannot be reached as an error screen with Retry first and the switcher after it', async () => {
    const { t } = engine({ unreachable: ['v-photos'] });
    render(App, { api: t.client() });
    await screen.findByTestId('status-folder');
    await fireEvent.click((await openSwitcher())[1]!);
    const error = await screen.findByTestId('app-error');
    expect(error.textContent).toContain('Plug in the disk at /media/usb');
    const main = error.closest('main')!;
    const controls = [...main.querySelectorAll('button')];
    expect(controls[0]!.textContent).toMatch(/retry/i);
    expect(within(main).getByTestId('folder-switcher-toggle').textContent).toContain('Photos');

    await fireEvent.click((await openSwitcher())[0]!);
    await waitFor(() => expect(screen.getByTestId('status-folder').textContent).toBe('/home/ann/Documents'));
  });

  it('opens the setup wizard from "Add folder…", cancels back, and adds a folder that then shows selected', async () => {
    const { t, folders } = engine();
    t.on('createVault', (req) => {
      for (const f of folders) f.selected = false;
      folders.push({ vaultId: 'v-music', folder: req.folder, name: 'Music', state: 'syncing', selected: true });
      return { recoveryKey: 'COFFER-RK-MUSIC', vaultId: 'v-music', remote: 'file:///media/usb/music' };
    }).on('confirmRecoverySaved', () => null);
    render(App, { api: t.client() });
    await screen.findByTestId('status-folder');
    await openSwitcher();
    await fireEvent.click(screen.getByTestId('folder-add'));
    expect(await screen.findByTestId('view-first-run')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('add-folder-cancel'));
    expect((await screen.findByTestId('status-folder')).textContent).toBe('/home/ann/Documents');
    expect(t.callsOf('createVault')).toEqual([]);

    await openSwitcher();
    await fireEvent.click(screen.getByTestId('folder-add'));
    await fireEvent.input(await screen.findByTestId('wizard-folder'), { target: { value: '/home/ann/Music' } });
    await next();
    await fireEvent.click(await screen.findByTestId('dest-local'));
    await fireEvent.input(await screen.findByTestId('wizard-local-path'), { target: { value: '/media/usb/music' } });
    await next();
    await fireEvent.click(await screen.findByTestId('wizard-create'));
    expect(await screen.findByTestId('recovery-kit')).toBeTruthy();
    // The vault exists now: the kit cannot be cancelled away.
    expect(screen.queryByTestId('add-folder-cancel')).toBeNull();
    await fireEvent.click(screen.getByTestId('recovery-saved'));
    await fireEvent.click(screen.getByTestId('wizard-finish'));
    await waitFor(() => expect(screen.getByTestId('status-folder').textContent).toBe('/home/ann/Music'));
    await waitFor(() => expect(screen.getByTestId('folder-switcher-toggle').textContent).toContain('Music'));
    expect((await openSwitcher()).map((o) => o.querySelector('.name')?.textContent)).toEqual(['Documents', 'Photos', 'Taxes', 'Music']);
  });

  it('closes on Escape and returns focus to the toggle', async () => {
    const { t } = engine();
    render(App, { api: t.client() });
    await openSwitcher();
    await fireEvent.keyDown(screen.getByTestId('folder-add'), { key: 'Escape' });
    expect(screen.queryByTestId('folder-option')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('folder-switcher-toggle'));
  });

  it('stays hidden for a host of one vault (no folder list)', async () => {
    const t = new FakeTransport().on('status', () => status()).on('bytesPerDay', () => []).on('conflicts', () => [])
      .fail('folders', 'not-found', 'This app keeps one folder');
    render(App, { api: t.client() });
    await screen.findByTestId('status-folder');
    await waitFor(() => expect(t.callsOf('folders')).toHaveLength(1));
    expect(screen.queryByTestId('folder-switcher')).toBeNull();
  });
});
