// Focus and announcements: a view change or wizard step moves focus to the new content's heading and the
// live region names it; a dialog takes focus, keeps Tab inside, closes on Escape and gives focus back to the
// control that opened it (or, when that control is gone, to the nearest one still there); the versions
// panel takes focus when it opens and gives it back when it closes.
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../../src-renderer/App.svelte';
import Team from '../../src-renderer/views/Team.svelte';
import History from '../../src-renderer/views/History.svelte';
import { TeamState } from '../../src-renderer/lib/state/team-state.svelte.ts';
import { HistoryState } from '../../src-renderer/lib/state/history-state.svelte.ts';
import { FakeTransport } from './fake-transport.ts';
import { historyEntry, historyHandler, iso, key, NOW, status, team } from './fixtures.ts';

const announcer = () => screen.getByTestId('announcer');
const focused = () => document.activeElement as HTMLElement;

/** fireEvent.click does not focus; a person's click (or Enter) on a button does. */
async function press(el: HTMLElement) {
  el.focus();
  await fireEvent.click(el);
}

describe('focus and announcements on view changes', () => {
  it('moves focus to the new view\'s heading and announces it; the first view keeps the browser\'s focus', async () => {
    const t = new FakeTransport().on('status', () => status()).on('bytesPerDay', () => []).on('keys', () => [key()])
      .on('audit', () => ({ entries: [], verified: true })).on('history', historyHandler(3));
    render(App, { api: t.client() });
    await screen.findByTestId('view-dashboard');
    expect(announcer().textContent).toBe('');
    expect(focused()).toBe(document.body);

    await press(screen.getByTestId('nav-keys'));
    await waitFor(() => expect(focused().textContent).toBe('Keys'));
    expect(focused().tagName).toBe('H1');
    // Focusable for the script, not a tab stop of its own.
    expect(focused().getAttribute('tabindex')).toBe('-1');
    expect(announcer().textContent).toBe('Keys');
    expect(announcer().getAttribute('aria-live')).toBe('polite');

    await press(screen.getByTestId('nav-history'));
    await waitFor(() => expect(announcer().textContent).toBe('Sync history'));
    expect(focused()).toBe(within(screen.getByTestId('view-history')).getByRole('heading', { level: 1 }));
  });

  it('keeps focus on Retry when the engine is still unreachable after a retry', async () => {
    const t = new FakeTransport().fail('status', 'internal', 'connection refused');
    render(App, { api: t.client() });
    await press(await screen.findByTestId('app-error-retry'));
    // Retry showed "Connecting…" (the button went away), then the error again: focus is on the new Retry.
    await waitFor(() => expect(t.callsOf('status').length).toBeGreaterThan(1));
    await waitFor(() => expect(focused()).toBe(screen.getByTestId('app-error-retry')));
    expect(focused().hasAttribute('tabindex')).toBe(false);
  });

  it('announces each wizard step by number and moves focus to the step\'s heading', async () => {
    // The engine's folder check and connection test (first-run-checks) pass, so each Next goes on.
    const t = new FakeTransport().fail('status', 'not-configured', 'no vault')
      .on('hostFeatures', () => ({ pickFolder: false, saveFile: false }))
      .on('checkFolder', (r) => ({ ok: true, folder: r.folder }))
      .on('testDestination', () => ({ ok: true, message: 'Connected' }));
    render(App, { api: t.client() });
    await screen.findByTestId('view-first-run');
    await fireEvent.input(screen.getByTestId('wizard-folder'), { target: { value: '/data' } });
    await fireEvent.click(screen.getByTestId('wizard-next'));
    await waitFor(() => expect(announcer().textContent).toBe('Step 2 of 4: Destination'));
    expect(focused().textContent).toBe('Where should the encrypted copies go?');

    await fireEvent.click(screen.getByTestId('dest-local'));
    await fireEvent.input(screen.getByTestId('wizard-local-path'), { target: { value: '/media/usb' } });
    await fireEvent.click(screen.getByTestId('wizard-next'));
    await waitFor(() => expect(announcer().textContent).toBe('Step 3 of 4: Key'));
    expect(focused().textContent).toBe('Which key protects your files?');

    await fireEvent.click(screen.getByTestId('wizard-back'));
    await waitFor(() => expect(announcer().textContent).toBe('Step 2 of 4: Destination'));
    expect(focused().textContent).toBe('Where should the encrypted copies go?');
  });
});

function teamView() {
  let current = team();
  const t = new FakeTransport().on('team', () => current)
    .on('invite', () => ({ code: `coffer-join1:${'e'.repeat(40)}.sig`, memberId: 'm-eli', expiresAt: iso(NOW + 7 * 86_400_000) }))
    .on('removeMember', (req) => {
    current = { ...current, members: current.members.map((m) => (m.id === req.member ? { ...m, status: 'removed' as const, removedAt: iso(NOW) } : m)) };
    return current;
  });
  const state = new TeamState(t.client());
  state.start();
  render(Team, { team: state });
}
const memberRow = (name: string) => screen.getAllByTestId('member-row').find((r) => r.dataset.member === name)!;

describe('dialogs', () => {
  it('take focus, keep Tab inside, close on Escape and give focus back to the button that opened them', async () => {
    teamView();
    await screen.findByTestId('members');
    const remove = within(memberRow('Bea')).getByTestId('remove-member');
    await press(remove);
    const dialog = screen.getByTestId('removal-dialog');
    expect(dialog.tagName).toBe('DIALOG');
    expect(screen.getByRole('alertdialog', { name: 'Remove Bea from this vault?' })).toBe(dialog);
    expect(focused()).toBe(dialog);

    const cancel = within(dialog).getByTestId('removal-cancel');
    const confirm = within(dialog).getByTestId('removal-confirm');
    // Shift+Tab from the dialog itself goes to its last control, not to the page behind.
    await fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(focused()).toBe(confirm);
    await fireEvent.keyDown(confirm, { key: 'Tab' });
    expect(focused()).toBe(cancel);
    await fireEvent.keyDown(cancel, { key: 'Tab', shiftKey: true });
    expect(focused()).toBe(confirm);
    // From the first control forward, Tab is the browser's own (not prevented).
    cancel.focus();
    expect(await fireEvent.keyDown(cancel, { key: 'Tab' })).toBe(true);

    await fireEvent.keyDown(confirm, { key: 'Escape' });
    expect(screen.queryByTestId('removal-dialog')).toBeNull();
    expect(focused()).toBe(remove);
  });

  it('give focus to the nearest control still there when the opener went away', async () => {
    teamView();
    await screen.findByTestId('members');
    await press(within(memberRow('Bea')).getByTestId('remove-member'));
    await fireEvent.click(screen.getByTestId('removal-confirm'));
    await waitFor(() => expect(memberRow('Bea').dataset.status).toBe('removed'));
    expect(screen.queryByTestId('removal-dialog')).toBeNull();
    // Bea's row has no Remove button any more: focus lands in the members card, not on <body>.
    await waitFor(() => expect(focused()).not.toBe(document.body));
    expect(screen.getByTestId('members').contains(focused())).toBe(true);
  });

  it('the invite dialog closes on Escape from a field and returns focus to Invite…', async () => {
    teamView();
    const open = await screen.findByTestId('invite-open');
    await press(open);
    const dialog = screen.getByRole('dialog', { name: 'Invite a member' });
    expect(focused()).toBe(dialog);
    await fireEvent.keyDown(within(dialog).getByTestId('invite-name'), { key: 'Escape' });
    expect(screen.queryByTestId('invite-dialog')).toBeNull();
    expect(focused()).toBe(open);
  });

  it('moves focus to the new heading when the dialog\'s content changes under the focused control', async () => {
    teamView();
    await press(await screen.findByTestId('invite-open'));
    await fireEvent.input(screen.getByTestId('invite-name'), { target: { value: 'Eli' } });
    const send = screen.getByTestId('invite-send');
    send.focus();
    await fireEvent.submit(screen.getByTestId('invite-form'));
    await screen.findByTestId('join-code');
    // The form (and the focused Create button) is gone; focus is on what replaced it, not on <body>.
    await waitFor(() => expect(focused().textContent).toBe('Join code for Eli'));
    expect(screen.getByTestId('invite-dialog').contains(focused())).toBe(true);
  });
});

describe('the versions panel', () => {
  it('takes focus on its heading when it opens and gives it back when it closes', async () => {
    const t = new FakeTransport().on('history', historyHandler(2)).on('versions', () => [
      { versionId: 'v1', time: iso(NOW), size: 10, hash: 'h1', deleted: false, device: 'laptop' },
    ]);
    const history = new HistoryState(t.client());
    history.start();
    render(History, { history, listHeight: 200 });
    const opener = (await screen.findAllByTestId('show-versions'))[0]!;
    await press(opener);
    const panel = await screen.findByTestId('versions-panel');
    expect(focused()).toBe(within(panel).getByRole('heading', { level: 2 }));
    expect(focused().textContent).toBe(`Versions of ${historyEntry(0).path}`);
    // The restore button's accessible name begins with its visible label (WCAG 2.5.3).
    const restore = await within(panel).findByRole('button', { name: /^Restore as copy/ });
    expect(restore.textContent).toBe('Restore as copy');
    await press(within(panel).getByTestId('close-versions'));
    expect(screen.queryByTestId('versions-panel')).toBeNull();
    expect(focused()).toBe(opener);
  });
});
