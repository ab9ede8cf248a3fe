import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Keys from '../../src-renderer/views/Keys.svelte';
import { KeysState } from '../../src-renderer/lib/state/keys-state.svelte.ts';
import { FakeTransport } from './fake-transport.ts';
import { iso, key, NOW, status } from './fixtures.ts';

const audit = { entries: [{ seq: 1, time: iso(NOW), op: 'create' as const, key: 'keychain:work', version: 1 }], verified: true, total: 1 };

/** An audit handler over n entries (seq 1..n) that pages newest first, as the engine does. */
function auditLog(n: number, over: { verified?: boolean; problem?: string } = {}) {
  const ops = ['wrap', 'unwrap', 'rotate'] as const;
  return (q: { offset?: number; limit?: number }) => {
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 500;
    const entries = [];
    for (let seq = n - offset; seq > Math.max(0, n - offset - limit); seq--) {
      entries.push({ seq, time: iso(NOW - (n - seq) * 1000), op: ops[seq % 3]!, key: 'keychain:work' });
    }
    return { entries, verified: over.verified ?? true, ...(over.problem ? { problem: over.problem } : {}), total: n };
  };
}

function setup(t: FakeTransport) {
  t.on('status', () => status());
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
    const t = new FakeTransport().on('keys', () => []).on('audit', () => ({ entries: [], verified: true, total: 0 }));
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
    // The vault's only key: still off until the vault's name is typed.
    expect(confirm.disabled).toBe(true);
    await fireEvent.input(within(dialog).getByTestId('deletion-name'), { target: { value: 'Documents' } });
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
    await fireEvent.input(screen.getByTestId('deletion-name'), { target: { value: 'Documents' } });
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

  it('shows a failed audit verification, and pages a long log 50 at a time with a count', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => key({ ref: `keychain:k${i}` }));
    const t = new FakeTransport().on('keys', () => keys).on('audit', auditLog(5000, { verified: false, problem: 'entry 17 was altered' }));
    setup(t);
    expect((await screen.findByTestId('audit-verified')).textContent).toContain('Verification failed: entry 17 was altered');
    expect(screen.getAllByTestId('audit-row')).toHaveLength(50);
    expect(screen.getAllByTestId('audit-row')[0]?.textContent).toMatch(/^5000/);
    expect(screen.getByTestId('audit-count').textContent).toBe('Entries 1–50 of 5,000 (page 1 of 100)');
    expect((screen.getByTestId('audit-newer') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('audit-older'));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')[0]?.textContent).toMatch(/^4950/));
    expect(screen.getByTestId('audit-count').textContent).toBe('Entries 51–100 of 5,000 (page 2 of 100)');
    expect(t.callsOf('audit').at(-1)).toEqual({ offset: 50, limit: 50 });
    await fireEvent.click(screen.getByTestId('audit-newer'));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')[0]?.textContent).toMatch(/^5000/));
    expect(screen.getAllByTestId('key-card')).toHaveLength(40);
  });

  it('says in plain words what each audit entry did', async () => {
    const entries = (['create', 'wrap', 'unwrap', 'unwrap-failed', 'rotate', 'rewrap', 'schedule-deletion', 'cancel-deletion'] as const)
      .map((op, i) => ({ seq: 8 - i, time: iso(NOW - i * 1000), op, key: 'keychain:work' }));
    const t = new FakeTransport().on('keys', () => [key()]).on('audit', () => ({ entries, verified: true, total: 8 }));
    setup(t);
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(8));
    const words = screen.getAllByTestId('audit-row').map((r) => r.querySelectorAll('td')[2]?.textContent);
    expect(words).toEqual([
      'Created the key', 'Encrypted new files', 'Opened the vault', 'Could not open files with the key', 'Rotated the key',
      'Re-wrapped files or the key copy', "Scheduled the key's deletion", "Cancelled the key's deletion",
    ]);
    expect(screen.getByTestId('audit-log').textContent).not.toMatch(/\bunwrap\b|schedule-deletion/);
    expect(screen.getByTestId('audit-count').textContent).toBe('Entries 1–8 of 8 (page 1 of 1)');
    expect((screen.getByTestId('audit-older') as HTMLButtonElement).disabled).toBe(true);
  });

  it('warns that deleting the only key makes the whole backup unreadable on that date, and asks for the vault name', async () => {
    const t = new FakeTransport().on('keys', () => [key()]).on('audit', () => audit)
      .on('keyUsage', () => ({ ref: 'keychain:work', byVersion: [] }))
      .on('scheduleKeyDeletion', (req) => key({ state: 'pending-deletion', deletionDate: iso(NOW + req.days * 86_400_000) }));
    setup(t);
    await fireEvent.click(await screen.findByTestId('schedule-deletion'));
    const warning = await screen.findByTestId('only-key-warning');
    // 30 days from 2026-11-27 (the default period), then 14 days once changed.
    expect(warning.textContent).toContain('only key that opens this vault');
    expect(warning.textContent).toContain('On 2026-12-27 the whole backup becomes unreadable');
    expect(screen.getByTestId('vault-name').textContent).toBe('Documents');
    await fireEvent.input(screen.getByTestId('deletion-days'), { target: { value: '14' } });
    expect(warning.textContent).toContain('On 2026-12-11 the whole backup becomes unreadable');
    const confirm = screen.getByTestId('confirm-deletion') as HTMLButtonElement;
    const name = screen.getByTestId('deletion-name');
    await fireEvent.input(name, { target: { value: 'documents' } });
    expect(confirm.disabled).toBe(true);
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('deletion-name-help').textContent).toContain("not the vault's name");
    await fireEvent.input(name, { target: { value: 'Documents' } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);
    await waitFor(() => expect(t.callsOf('scheduleKeyDeletion')).toEqual([{ ref: 'keychain:work', days: 14, force: false }]));
  });

  it('asks for no name when another key still opens the vault', async () => {
    const t = new FakeTransport().on('keys', () => [key(), key({ ref: 'keychain:spare' })]).on('audit', () => audit)
      .on('keyUsage', () => ({ ref: 'keychain:work', byVersion: [] }));
    setup(t);
    await fireEvent.click((await screen.findAllByTestId('schedule-deletion'))[0]!);
    await screen.findByTestId('usage-summary');
    expect(screen.queryByTestId('only-key-warning')).toBeNull();
    expect((screen.getByTestId('confirm-deletion') as HTMLButtonElement).disabled).toBe(false);
  });

  it('says why a waiting period is refused, next to the field', async () => {
    const t = new FakeTransport().on('keys', () => [key()]).on('audit', () => audit)
      .on('keyUsage', () => ({ ref: 'keychain:work', byVersion: [] }));
    setup(t);
    await fireEvent.click(await screen.findByTestId('schedule-deletion'));
    const days = await screen.findByTestId('deletion-days');
    await fireEvent.input(screen.getByTestId('deletion-name'), { target: { value: 'Documents' } });
    expect(days.getAttribute('aria-invalid')).toBe('false');
    await fireEvent.input(days, { target: { value: '3' } });
    const help = screen.getByTestId('deletion-days-help');
    expect(help.textContent?.trim()).toBe('Between 7 and 30 days.');
    expect(days.getAttribute('aria-invalid')).toBe('true');
    expect(days.getAttribute('aria-describedby')).toBe(help.id);
    expect((screen.getByTestId('confirm-deletion') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(days, { target: { value: '' } });
    expect(help.textContent).toContain('Enter a number of days between 7 and 30');
    await fireEvent.input(days, { target: { value: '7' } });
    expect(help.textContent).toContain('The key is destroyed on 2026-12-04');
    expect((screen.getByTestId('confirm-deletion') as HTMLButtonElement).disabled).toBe(false);
  });
});
