import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import ProviderInfo from '../../src-renderer/views/ProviderInfo.svelte';
import { FakeTransport } from './fake-transport.ts';
import { formatTime } from '../../src-renderer/lib/format.ts';

const view = {
  reveals: [{ fact: 'Object count', value: '412 objects' }, { fact: 'Sizes', value: '5.1 GiB, padded' }, { fact: 'Upload times', value: 'yes' }],
  hides: ['File names', 'Folder tree', 'File contents'],
};

describe('What the provider can see', () => {
  it('shows loading, then what is revealed and what stays hidden', async () => {
    const t = new FakeTransport();
    const pending = t.hang('providerView');
    render(ProviderInfo, { api: t.client() });
    expect(screen.getByTestId('provider-loading')).toBeTruthy();
    pending.release(view);
    const reveals = await screen.findByTestId('provider-reveals');
    expect(reveals.querySelectorAll('dt')).toHaveLength(3);
    expect(reveals.textContent).toContain('412 objects');
    expect(screen.getByTestId('provider-hides').textContent).toContain('Folder tree');
  });

  it('shows the padding setting and what sizes reveal, as the engine words them', async () => {
    const padded = {
      reveals: [
        { fact: 'Total stored bytes (ciphertext)', value: '108.9 MiB' },
        { fact: "Size padding (this device's setting)", value: 'on (Padmé)' },
        { fact: 'What object sizes reveal', value: "each file object's size only up to its Padmé size: at most 12 % more than it holds." },
      ],
      hides: ['File names', 'The exact size of each object (only its Padmé size shows)'],
    };
    const t = new FakeTransport().on('providerView', () => padded);
    render(ProviderInfo, { api: t.client() });
    const reveals = await screen.findByTestId('provider-reveals');
    const pairs = [...reveals.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]);
    expect(pairs).toContainEqual(["Size padding (this device's setting)", 'on (Padmé)']);
    expect(pairs).toContainEqual(['Total stored bytes (ciphertext)', '108.9 MiB']);
    expect(screen.getByTestId('provider-hides').textContent).toContain('only its Padmé size shows');
    expect(screen.getByTestId('provider-padding-note').textContent).toMatch(/Settings/);
  });

  it('shows an empty vault', async () => {
    const t = new FakeTransport().on('providerView', () => ({ reveals: [], hides: ['File names'] }));
    render(ProviderInfo, { api: t.client() });
    expect((await screen.findByTestId('provider-reveals')).textContent).toContain('Nothing stored yet');
  });

  it('shows an error with Retry, and many facts', async () => {
    const t = new FakeTransport().fail('providerView', 'store-error', 'bucket unreachable');
    render(ProviderInfo, { api: t.client() });
    expect((await screen.findByTestId('provider-error')).textContent).toContain('bucket unreachable');
    const many = { reveals: Array.from({ length: 100 }, (_, i) => ({ fact: `fact ${i}`, value: String(i) })), hides: view.hides };
    t.on('providerView', () => many);
    await fireEvent.click(screen.getByTestId('provider-error-retry'));
    expect((await screen.findByTestId('provider-reveals')).querySelectorAll('dt')).toHaveLength(100);
  });
});

describe('What the provider can see, in the app\'s units', () => {
  it('formats the numbers the engine sends: sizes in binary units (exact on hover), counts with separators, local times', async () => {
    const view = {
      reveals: [
        { fact: 'Number of stored objects', value: '12345', count: 12_345 },
        { fact: 'Total stored bytes (ciphertext of every kept version)', value: '108.9 MiB', bytes: 114_156_968 },
        { fact: 'Upload times', value: '2026-11-20T08:00:00.000Z to 2026-11-27T09:30:00.000Z', times: { first: '2026-11-20T08:00:00.000Z', last: '2026-11-27T09:30:00.000Z' } },
        { fact: 'Size padding (this device\'s setting)', value: 'off' },
      ],
      hides: ['File names'],
    };
    render(ProviderInfo, { api: new FakeTransport().on('providerView', () => view).client() });
    await screen.findByTestId('provider-reveals');
    const values = screen.getAllByTestId('provider-value');
    expect(values.map((v) => v.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '12,345', '109 MiB', `${formatTime('2026-11-20T08:00:00.000Z')} to ${formatTime('2026-11-27T09:30:00.000Z')}`, 'off',
    ]);
    expect(values.some((v) => /\d{6,}/.test(v.textContent ?? ''))).toBe(false);
    expect(values[1]!.querySelector('span')!.getAttribute('title')).toBe('114,156,968 bytes');
    expect([...values[2]!.querySelectorAll('time')].map((t) => t.getAttribute('datetime'))).toEqual(['2026-11-20T08:00:00.000Z', '2026-11-27T09:30:00.000Z']);
  });
});
