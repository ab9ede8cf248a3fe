import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import App from '../../src-renderer/App.svelte';
import { FakeTransport } from './fake-transport.ts';
import { status } from './fixtures.ts';

describe('a passphrase vault opened without its passphrase', () => {
  it('asks for the passphrase, reports a wrong one, and opens the dashboard with the right one', async () => {
    let unlocked = false;
    const t = new FakeTransport()
      .on('status', () => {
        if (!unlocked) throw { code: 'key-unavailable', message: 'The vault is locked: enter its passphrase to unlock it' };
        return status();
      })
      .on('bytesPerDay', () => [])
      .on('unlock', (req) => {
        if ((req as { passphrase: string }).passphrase !== 'right one') throw { code: 'key-unavailable', message: 'wrong passphrase' };
        unlocked = true;
        return undefined;
      });
    render(App, { api: t.client() });
    const input = await screen.findByTestId('unlock-passphrase');
    expect(screen.queryByTestId('view-first-run')).toBeNull();
    expect(screen.getByLabelText('Passphrase')).toBe(input);

    await fireEvent.input(input, { target: { value: 'wrong one' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    expect((await screen.findByTestId('unlock-error')).textContent).toContain('wrong passphrase');

    await fireEvent.input(input, { target: { value: 'right one' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    expect(await screen.findByTestId('view-dashboard')).toBeTruthy();
    expect(t.callsOf('unlock')).toEqual([{ passphrase: 'wrong one' }, { passphrase: 'right one' }]);
  });
});
