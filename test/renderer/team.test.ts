import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import Team from '../../src-renderer/views/Team.svelte';
import { TeamState } from '../../src-renderer/lib/state/team-state.svelte.ts';
import { FakeTransport } from './fake-transport.ts';
import { iso, NOW, team } from './fixtures.ts';
import type { Response } from '../../src-main/ipc/contract.ts';

type TeamView = Response<'team'>;

/** A small stateful engine: invites add a member, removals start a new generation with data to re-encrypt. */
function teamEngine(start: TeamView = team()) {
  let current = start;
  const t = new FakeTransport()
    .on('team', () => current)
    .on('invite', (req) => {
      current = { ...current, members: [...current.members, { id: `m-${req.name.toLowerCase()}`, name: req.name, role: req.role, status: 'invited', addedAt: iso(NOW), you: false }] };
      return { code: `coffer-join1:${'e'.repeat(300)}.sig`, memberId: `m-${req.name.toLowerCase()}`, expiresAt: iso(NOW + 7 * 86_400_000) };
    })
    .on('removeMember', (req) => {
      current = {
        ...current, generation: current.generation + 1,
        members: current.members.map((m) => (m.id === req.member ? { ...m, status: 'removed' as const, removedAt: iso(NOW) } : m)),
        reencrypt: { generation: current.generation + 1, percent: 0, objectsTotal: 40, objectsDone: 0 },
      };
      return current;
    })
    .on('removeDevice', (req) => {
      current = { ...current, generation: current.generation + 1, devices: current.devices.map((d) => (d.id === req.device ? { ...d, removed: true } : d)) };
      return current;
    })
    .on('setMemberRole', (req) => {
      current = { ...current, members: current.members.map((m) => (m.id === req.member ? { ...m, role: req.role } : m)) };
      return current;
    });
  return t;
}

function setup(t: FakeTransport) {
  const state = new TeamState(t.client());
  const stop = state.start();
  render(Team, { team: state });
  return { state, stop };
}

const row = (testid: string, attr: string, value: string) => {
  const found = screen.getAllByTestId(testid).find((r) => r.getAttribute(attr) === value);
  if (!found) throw new Error(`no ${testid} with ${attr}=${value}`);
  return found;
};

afterEach(() => {
  vi.restoreAllMocks();
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('Team view', () => {
  it('shows loading, then members with roles and status, devices with last seen, and the key generation', async () => {
    const t = teamEngine();
    const pending = t.hang('team');
    setup(t);
    expect(screen.getByTestId('team-loading')).toBeTruthy();
    pending.release(team());
    await screen.findByTestId('members');
    expect(screen.getAllByTestId('member-row').map((r) => r.dataset.member)).toEqual(['Ann', 'Bea', 'Cem']);
    expect(row('member-row', 'data-member', 'Ann').textContent).toContain('(you)');
    expect(within(row('member-row', 'data-member', 'Cem')).getByTestId('member-status').textContent).toContain('Invited');
    expect((within(row('member-row', 'data-member', 'Bea')).getByTestId('member-role') as HTMLSelectElement).value).toBe('writer');
    // This client's own row offers neither a role change nor removal.
    expect(within(row('member-row', 'data-member', 'Ann')).queryByTestId('remove-member')).toBeNull();
    expect(within(row('member-row', 'data-member', 'Ann')).getByTestId('member-role-text').textContent).toBe('admin');
    expect(screen.getAllByTestId('device-row').map((r) => r.dataset.device)).toEqual(['ann-laptop', 'bea-studio']);
    expect(within(row('device-row', 'data-device', 'bea-studio')).getByTestId('device-last-seen').textContent).toBe('Never');
    expect(screen.getByTestId('key-generation').textContent).toContain('Key generation 2');
    expect(screen.getByTestId('revocation-complete').textContent).toBe('revocation complete: 100 %');
    expect(screen.queryByTestId('reencrypt')).toBeNull();
    expect(screen.getByTestId('revocation-note').textContent).toContain('keeps what they already downloaded');
  });

  it('shows an error with Retry', async () => {
    const t = teamEngine().fail('team', 'store-error', 'membership document unreadable');
    setup(t);
    expect((await screen.findByTestId('team-error')).textContent).toContain('membership document unreadable');
    t.on('team', () => team());
    await fireEvent.click(screen.getByTestId('team-error-retry'));
    expect(await screen.findByTestId('members')).toBeTruthy();
  });

  it('a vault of one owner lists its devices and still offers Invite', async () => {
    setup(teamEngine(team({ team: false, membershipVersion: 0, generation: 1, members: [], reencrypt: { generation: 1, percent: 100, objectsTotal: 3, objectsDone: 3 } })));
    expect((await screen.findByTestId('members-empty')).textContent).toContain('Only you use this vault');
    expect(screen.getByTestId('invite-open')).toBeTruthy();
    expect(screen.getAllByTestId('device-row')).toHaveLength(2);
  });

  it('a writer sees the team but no invite, role or removal controls', async () => {
    const members = team().members.map((m) => ({ ...m, you: m.id === 'm-bea' }));
    setup(teamEngine(team({ members })));
    await screen.findByTestId('members');
    expect(screen.queryByTestId('invite-open')).toBeNull();
    expect(screen.queryAllByTestId('remove-member')).toHaveLength(0);
    expect(screen.queryAllByTestId('member-role')).toHaveLength(0);
    expect(screen.queryAllByTestId('remove-device')).toHaveLength(0);
  });

  it('changes a role, and shows a refused change with the real role restored', async () => {
    const t = teamEngine();
    setup(t);
    await screen.findByTestId('members');
    await fireEvent.change(within(row('member-row', 'data-member', 'Bea')).getByTestId('member-role'), { target: { value: 'admin' } });
    expect((await screen.findByTestId('team-notice')).textContent).toBe('Bea is now an admin.');
    expect(t.callsOf('setMemberRole')).toEqual([{ member: 'm-bea', role: 'admin' }]);
    t.fail('setMemberRole', 'invalid-request', 'the last admin cannot step down');
    await fireEvent.change(within(row('member-row', 'data-member', 'Cem')).getByTestId('member-role'), { target: { value: 'writer' } });
    await waitFor(() => expect(screen.getByTestId('team-notice').textContent).toBe('Role not changed: the last admin cannot step down'));
    await waitFor(() => expect((within(row('member-row', 'data-member', 'Cem')).getByTestId('member-role') as HTMLSelectElement).value).toBe('reader'));
  });

  it('removes a member only after a confirmation that says what revocation cannot do', async () => {
    const t = teamEngine();
    setup(t);
    await screen.findByTestId('members');
    await fireEvent.click(within(row('member-row', 'data-member', 'Bea')).getByTestId('remove-member'));
    const dialog = screen.getByTestId('removal-dialog');
    expect(dialog.textContent).toContain('Remove Bea from this vault?');
    expect(screen.getByTestId('removal-text').textContent).toMatch(/Bea keeps every file already downloaded or synced before now/);
    expect(screen.getByTestId('removal-note').textContent).toContain('A former member keeps what they already downloaded.');
    await fireEvent.click(screen.getByTestId('removal-cancel'));
    expect(screen.queryByTestId('removal-dialog')).toBeNull();
    expect(t.callsOf('removeMember')).toHaveLength(0);

    await fireEvent.click(within(row('member-row', 'data-member', 'Bea')).getByTestId('remove-member'));
    await fireEvent.click(screen.getByTestId('removal-confirm'));
    expect((await screen.findByTestId('team-notice')).textContent).toBe('Bea was removed. New data now uses key generation 3.');
    expect(t.callsOf('removeMember')).toEqual([{ member: 'm-bea' }]);
    expect(screen.queryByTestId('removal-dialog')).toBeNull();
    expect(row('member-row', 'data-member', 'Bea').dataset.status).toBe('removed');
    expect(within(row('member-row', 'data-member', 'Bea')).queryByTestId('remove-member')).toBeNull();
    expect(screen.getByTestId('revocation-complete').textContent).toBe('revocation complete: 0 %');
    expect(screen.getByTestId('reencrypt')).toBeTruthy();
  });

  it('keeps the confirmation open with the reason when a removal is refused', async () => {
    const t = teamEngine().fail('removeDevice', 'store-error', 'the bucket refused the write');
    setup(t);
    await screen.findByTestId('devices');
    await fireEvent.click(within(row('device-row', 'data-device', 'bea-studio')).getByTestId('remove-device'));
    expect(screen.getByTestId('removal-dialog').textContent).toContain('Remove the device bea-studio?');
    expect(screen.getByTestId('removal-text').textContent).toContain('whoever has the device bea-studio keeps every file');
    await fireEvent.click(screen.getByTestId('removal-confirm'));
    expect((await screen.findByTestId('removal-error')).textContent).toBe('the bucket refused the write');
    expect(t.callsOf('removeDevice')).toEqual([{ device: 'd-bea1' }]);
  });

  it('re-encrypts with live progress from events and reports revocation complete', async () => {
    const t = teamEngine(team({ generation: 3, reencrypt: { generation: 3, percent: 12.5, objectsTotal: 40, objectsDone: 5 } }));
    const run = t.hang('reencrypt');
    setup(t);
    expect((await screen.findByTestId('revocation-complete')).textContent).toBe('revocation complete: 12 %');
    await fireEvent.click(screen.getByTestId('reencrypt'));
    expect((screen.getByTestId('reencrypt') as HTMLButtonElement).disabled).toBe(true);
    t.emit({ type: 'reencrypt', progress: { generation: 3, percent: 62.5, objectsTotal: 40, objectsDone: 25 } });
    await waitFor(() => expect(screen.getByTestId('revocation-complete').textContent).toBe('revocation complete: 62 %'));
    expect(screen.getByTestId('key-generation').textContent).toContain('25 of 40 objects');
    t.on('team', () => team({ generation: 3, reencrypt: { generation: 3, percent: 100, objectsTotal: 40, objectsDone: 40 } }));
    run.release({ generation: 3, percent: 100, objectsTotal: 40, objectsDone: 40 });
    expect((await screen.findByTestId('team-notice')).textContent).toBe('Re-encryption finished: revocation complete: 100 %.');
    expect(screen.getByTestId('revocation-complete').textContent).toBe('revocation complete: 100 %');
    await waitFor(() => expect(screen.queryByTestId('reencrypt')).toBeNull());
  });

  it('says a stopped re-encryption resumes when started again', async () => {
    const t = teamEngine(team({ reencrypt: { generation: 2, percent: 50, objectsTotal: 4, objectsDone: 2 } }))
      .fail('reencrypt', 'store-error', 'SlowDown');
    setup(t);
    await fireEvent.click(await screen.findByTestId('reencrypt'));
    expect((await screen.findByTestId('team-notice')).textContent).toBe('Re-encryption stopped: SlowDown. Start it again to resume where it stopped.');
  });

  it('reloads after each sync pass, so last-seen times and a teammate\'s membership changes show', async () => {
    const t = teamEngine();
    setup(t);
    await screen.findByTestId('devices');
    expect(within(row('device-row', 'data-device', 'bea-studio')).getByTestId('device-last-seen').textContent).toBe('Never');
    const seen = team().devices.map((d) => ({ ...d, lastSeen: iso(NOW) }));
    t.on('team', () => team({ devices: seen }));
    t.emit({ type: 'history', entries: [] });
    await waitFor(() => expect(within(row('device-row', 'data-device', 'bea-studio')).getByTestId('device-last-seen').textContent).not.toBe('Never'));
    expect(t.callsOf('team')).toHaveLength(2);
  });

  it('unsubscribes when stopped', async () => {
    const t = teamEngine();
    const { stop } = setup(t);
    await screen.findByTestId('members');
    expect(t.subscriberCount).toBe(1);
    stop();
    expect(t.subscriberCount).toBe(0);
  });
});

describe('Invite dialog', () => {
  it('refuses an empty name, then shows the join code once with Copy and a warning that it is a secret', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const t = teamEngine();
    setup(t);
    await fireEvent.click(await screen.findByTestId('invite-open'));
    await fireEvent.click(screen.getByTestId('invite-send'));
    expect(screen.getByTestId('invite-error').textContent).toBe('Enter the name of the person you invite.');
    expect(t.callsOf('invite')).toHaveLength(0);

    await fireEvent.input(screen.getByTestId('invite-name'), { target: { value: ' Dana ' } });
    await fireEvent.change(screen.getByTestId('invite-role'), { target: { value: 'reader' } });
    await fireEvent.click(screen.getByTestId('invite-send'));
    const code = await screen.findByTestId('join-code');
    expect(code.textContent).toMatch(/^coffer-join1:e+\.sig$/);
    expect(t.callsOf('invite')).toEqual([{ name: 'Dana', role: 'reader', expiresDays: 7 }]);
    expect(screen.getByTestId('code-secret').textContent).toMatch(/anyone who has it can\s+join as Dana/);
    await fireEvent.click(screen.getByTestId('copy-code'));
    expect(writeText).toHaveBeenCalledWith(code.textContent);
    expect((await screen.findByTestId('copy-message')).textContent).toBe('Copied.');

    await fireEvent.click(screen.getByTestId('invite-done'));
    expect(screen.queryByTestId('invite-dialog')).toBeNull();
    expect(screen.queryByText(/coffer-join1:/)).toBeNull();
    await waitFor(() => expect(row('member-row', 'data-member', 'Dana').dataset.status).toBe('invited'));
  });

  it('sends the member\'s public identity and then says only their computer can use the code', async () => {
    const t = teamEngine();
    setup(t);
    await fireEvent.click(await screen.findByTestId('invite-open'));
    await fireEvent.input(screen.getByTestId('invite-name'), { target: { value: 'Eli' } });
    await fireEvent.input(screen.getByTestId('invite-public-key'), { target: { value: ' coffer-id1:age1xyz.ed25519abc ' } });
    await fireEvent.input(screen.getByTestId('invite-days'), { target: { value: '3' } });
    await fireEvent.click(screen.getByTestId('invite-send'));
    await screen.findByTestId('join-code');
    expect(t.callsOf('invite')).toEqual([{ name: 'Eli', role: 'writer', expiresDays: 3, publicKey: 'coffer-id1:age1xyz.ed25519abc' }]);
    expect(screen.queryByTestId('code-secret')).toBeNull();
    expect(screen.getByTestId('invite-dialog').textContent).toContain("only Eli's computer can use it");
  });

  it('falls back to select-and-copy where the clipboard API is refused, and says so when that fails too', async () => {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: vi.fn(async () => { throw new Error('NotAllowedError'); }) }, configurable: true });
    const exec = vi.fn(() => false);
    Object.defineProperty(document, 'execCommand', { value: exec, configurable: true });
    setup(teamEngine());
    await fireEvent.click(await screen.findByTestId('invite-open'));
    await fireEvent.input(screen.getByTestId('invite-name'), { target: { value: 'Fay' } });
    await fireEvent.click(screen.getByTestId('invite-send'));
    await screen.findByTestId('join-code');
    await fireEvent.click(screen.getByTestId('copy-code'));
    expect((await screen.findByTestId('copy-message')).textContent).toBe('Select the code and copy it (Ctrl+C or ⌘C).');
    expect(exec).toHaveBeenCalledWith('copy');
    expect(window.getSelection()?.toString()).toMatch(/^coffer-join1:/);
  });

  it('shows a refused invite in the dialog and keeps what was typed', async () => {
    const t = teamEngine().fail('invite', 'invalid-request', 'invite: name: names cannot hold control characters');
    setup(t);
    await fireEvent.click(await screen.findByTestId('invite-open'));
    await fireEvent.input(screen.getByTestId('invite-name'), { target: { value: 'Gus' } });
    await fireEvent.click(screen.getByTestId('invite-send'));
    expect((await screen.findByTestId('invite-error')).textContent).toContain('control characters');
    expect((screen.getByTestId('invite-name') as HTMLInputElement).value).toBe('Gus');
    expect(screen.queryByTestId('join-code')).toBeNull();
  });
});
