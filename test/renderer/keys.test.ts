import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Keys from '../../src-renderer/views/Keys.svelte';
import { KeysState } from '../../src-renderer/lib/state/keys-state.svelte.ts';
import { FakeTransport } from './fake-transport.ts';
import { iso, key, NOW } from './fixtures.ts';

const audit = { entries: [{ seq: 1, time: iso(NOW), op: 'create' as const, key: 'keychain:work', version: 1 }], verified: true };

function setup(t: FakeTransport) {
  const keys = new KeysState(t.client());
  const stop = keys.start();
  render(Keys, { keys, now: () => NOW });
  return { keys, stop };
}

describe('Keys', () => {
  it('shows loading, then each key with provider, versions and rotation', async () => {
    const t = new FakeTransport().on('audit', () => audit);
    const pending = t.hang('keys');
    setup(t);
    expect(screen.getByTestId('keys-loading')).toBeTruthy();
    pending.release([key()]);
    const card = await screen.findByTestId('key-card');
    expect(card.textContent).toContain('Provider: keychain · Type: aes-256');
    expect(within(card).getByTestId('key-state').textContent).toBe('Enabled');
    expect(within(card).getByTestId('key-versions').querySelectorAll('li')).toHaveLength(2);
    expect(within(card).getByTestId('key-versions').textContent).toMatch(/Version 2, created \d{4}-\d{2}-\d{2} \(current\)/);
    expect(within(card).getByTestId('key-rotation').textContent).toContain('90 days');
  });

  it('shows the empty and the error state', async () => {
    const t = new FakeTransport().on('keys', () => []).on('audit', () => ({ entries: [], verified: true }));
    setup(t);
    expect(await screen.findByTestId('keys-empty')).toBeTruthy();
    expect((await screen.findByTestId('audit-log')).textContent).toContain('No entries yet');
  });

  it('reports a failed load with Retry', async () => {
    const t = new FakeTransport().fail('keys', 'key-unavailable', 'keychain is locked').on('audit', () => audit);
    setup(t);
    expect((await screen.findByTestId('keys-error')).textContent).toContain('keychain is locked');
    t.on('keys', () => [key()]);
    await fireEvent.click(screen.getByTestId('keys-error-retry'));
    expect(await screen.findByTestId('key-card')).toBeTruthy();
  });

  it('rotates a key and shows the new version', async () => {
    const rotated = key({ versions: [...key().versions.map((v) => ({ ...v, current: false })), { version: 3, createdAt: iso(NOW), current: true }] });
    const t = new FakeTransport().on('keys', () => [key()]).on('audit', () => audit).on('rotateKey', () => rotated);
    setup(t);
    await fireEvent.click(await screen.findByTestId('rotate-key'));
    await waitFor(() => expect(screen.getByTestId('key-versions').querySelectorAll('li')).toHaveLength(3));
    expect(t.callsOf('rotateKey')).toEqual([{ ref: 'keychain:work' }]);
    expect(screen.getByTestId('key-notice').textContent).toContain('Rotated');
  });

  it('scans usage first and requires force to delete a key still in use', async () => {
    const usage = { ref: 'keychain:work', byVersion: [{ version: 1, files: 12, objects: 3, examples: ['a.txt', 'b/c.txt'] }, { version: 2, files: 0, objects: 0, examples: [] }] };
    const t = new FakeTransport().on('keys', () => [key()]).on('audit', () => audit).on('keyUsage', () => usage)
      .on('scheduleKeyDeletion', (req) => key({ state: 'pending-deletion', deletionDate: iso(NOW + req.days * 86_400_000) }));
    setup(t);
    await fireEvent.click(await screen.findByTestId('schedule-deletion'));
    const dialog = await screen.findByTestId('usage-dialog');
    expect((await within(dialog).findByTestId('usage-summary')).textContent).toContain('12 files in 3 objects');
    expect(within(dialog).getAllByTestId('usage-row')[0]?.textContent).toContain('a.txt, b/c.txt');
    const confirm = within(dialog).getByTestId('confirm-deletion') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await fireEvent.click(within(dialog).getByTestId('force-deletion'));
    await fireEvent.input(within(dialog).getByTestId('deletion-days'), { target: { value: '10' } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);
    await waitFor(() => expect(screen.queryByTestId('usage-dialog')).toBeNull());
    expect(t.callsOf('scheduleKeyDeletion')).toEqual([{ ref: 'keychain:work', days: 10, force: true }]);
    expect(screen.getByTestId('deletion-countdown').textContent).toContain('Deletes in 10 days');
  });

  it('lets an unused key be scheduled without force, and keeps the dialog open on failure', async () => {
    const t = new FakeTransport().on('keys', () => [key()]).on('audit', () => audit)
      .on('keyUsage', () => ({ ref: 'keychain:work', byVersion: [] }))
      .fail('scheduleKeyDeletion', 'key-unavailable', 'provider refused');
    setup(t);
    await fireEvent.click(await screen.findByTestId('schedule-deletion'));
    expect((await screen.findByTestId('usage-summary')).textContent).toContain('Not in use');
    expect(screen.queryByTestId('force-deletion')).toBeNull();
    await fireEvent.click(screen.getByTestId('confirm-deletion'));
    expect((await screen.findByTestId('deletion-error')).textContent).toContain('provider refused');
    await fireEvent.keyDown(screen.getByTestId('usage-dialog'), { key: 'Escape' });
    expect(screen.queryByTestId('usage-dialog')).toBeNull();
  });

  it('counts down a pending deletion and cancels it', async () => {
    const pending = key({ state: 'pending-deletion', deletionDate: iso(NOW + 6.5 * 86_400_000) });
    const t = new FakeTransport().on('keys', () => [pending]).on('audit', () => audit).on('cancelKeyDeletion', () => key());
    setup(t);
    expect((await screen.findByTestId('deletion-countdown')).textContent).toContain('Deletes in 7 days');
    expect(screen.getByTestId('key-state').textContent).toBe('Pending deletion');
    await fireEvent.click(screen.getByTestId('cancel-deletion'));
    await waitFor(() => expect(screen.getByTestId('key-state').textContent).toBe('Enabled'));
    expect(screen.queryByTestId('deletion-countdown')).toBeNull();
  });

  it('updates a key from a key event', async () => {
    const t = new FakeTransport().on('keys', () => [key()]).on('audit', () => audit);
    setup(t);
    await screen.findByTestId('key-card');
    t.emit({ type: 'key', status: key({ state: 'locked', detail: 'The keychain is locked' }) });
    await waitFor(() => expect(screen.getByTestId('key-state').textContent).toBe('Locked'));
    expect(screen.getByTestId('key-detail').textContent).toBe('The keychain is locked');
  });

  it('shows a failed audit verification, and caps a long log', async () => {
    const entries = Array.from({ length: 5000 }, (_, i) => ({ seq: i + 1, time: iso(NOW - i), op: 'wrap' as const, key: 'keychain:work' }));
    const keys = Array.from({ length: 40 }, (_, i) => key({ ref: `keychain:k${i}` }));
    const t = new FakeTransport().on('keys', () => keys).on('audit', () => ({ entries, verified: false, problem: 'entry 17 was altered' }));
    setup(t);
    expect((await screen.findByTestId('audit-verified')).textContent).toContain('Verification failed: entry 17 was altered');
    expect(screen.getAllByTestId('audit-row')).toHaveLength(200);
    expect(screen.getAllByTestId('audit-row')[0]?.textContent).toMatch(/^5000/);
    expect(screen.getAllByTestId('key-card')).toHaveLength(40);
  });
});
