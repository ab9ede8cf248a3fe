import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import History from '../../src-renderer/views/History.svelte';
import { HistoryState } from '../../src-renderer/lib/state/history-state.svelte.ts';
import { formatTime } from '../../src-renderer/lib/format.ts';
import { FakeTransport } from './fake-transport.ts';
import { historyHandler, iso, NOW } from './fixtures.ts';
import type { Response } from '../../src-main/ipc/contract.ts';

type Entry = Response<'history'>['entries'][number];

function setup(t: FakeTransport) {
  const history = new HistoryState(t.client());
  history.start();
  render(History, { history, now: NOW });
  return history;
}
const fixed = (entries: Entry[]) => () => ({ entries, total: entries.length });
const MIN = 60_000;

describe('History people can read', () => {
  it('shows a run of checks that changed nothing as one line, with how many and when', async () => {
    const entries: Entry[] = [
      { time: iso(NOW - 2 * MIN), action: 'upload', path: 'a.txt', size: 2048 },
      { time: '2026-11-27T11:00:00', action: 'sync', reason: 'uploaded 0, renamed 0, deleted 0, pulled 0, conflicts 0, skipped 0, errors 0', size: 0, folded: { count: 12, since: '2026-11-27T09:00:00' } },
    ];
    const t = new FakeTransport().on('history', fixed(entries));
    setup(t);
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(2));
    const [upload, folded] = screen.getAllByTestId('history-row');
    expect(folded!.dataset.action).toBe('no-change');
    expect(within(folded!).getByTestId('folded-text').textContent).toBe('12 checks, nothing changed');
    expect(within(folded!).getByTestId('folded-span').textContent?.trim()).toBe('2026-11-27 09:00–11:00');
    // The fold is asked of the engine, so paging counts what is shown.
    expect(t.callsOf('history')[0]).toMatchObject({ foldNoChange: true });
    // Recent times read relative, with the exact local time on hover.
    const time = upload!.querySelector('time')!;
    expect(time.textContent).toBe('2 min ago');
    expect(time.getAttribute('datetime')).toBe(iso(NOW - 2 * MIN));
    expect(time.getAttribute('title')).toMatch(new RegExp(`^${formatTime(iso(NOW - 2 * MIN))}:00 UTC`));
    expect(within(upload!).getByText('2.0 KiB').getAttribute('title')).toBe('2,048 bytes');
  });

  it('shows where a renamed file came from, also for entries that say it only in their reason', async () => {
    const entries: Entry[] = [
      { time: iso(NOW), action: 'rename', path: 'docs/report-2026.txt', from: 'docs/report.txt', size: 9 },
      { time: iso(NOW - MIN), action: 'rename', path: 'b.txt', size: 9, reason: 'moved from a.txt; no upload needed' },
    ];
    setup(new FakeTransport().on('history', fixed(entries)));
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(2));
    const moved = screen.getAllByTestId('moved-from');
    expect(moved.map((e) => e.firstChild?.textContent?.trim())).toEqual(['moved from', 'moved from']);
    expect(moved.map((e) => e.querySelector('.short')?.textContent)).toEqual(['docs/report.txt', 'a.txt']);
    expect(screen.getAllByTestId('history-moved-path').map((e) => e.getAttribute('title'))).toEqual(['docs/report.txt', 'a.txt']);
    expect(screen.getAllByTestId('history-full').map((e) => e.textContent)).toEqual(['docs/report-2026.txt moved from docs/report.txt', 'b.txt moved from a.txt']);
  });

  it('shortens a long path in the middle, keeping the file name, with the whole path on hover and for focus', async () => {
    const long = `projects/${'client-work/'.repeat(8)}final/contract-signed.pdf`;
    setup(new FakeTransport().on('history', fixed([{ time: iso(NOW), action: 'upload', path: long, size: 1 }])));
    const path = await screen.findByTestId('history-path');
    const short = path.querySelector('.short')!.textContent!;
    expect(short.length).toBeLessThan(long.length);
    expect(short.endsWith('/contract-signed.pdf')).toBe(true);
    expect(short.startsWith('projects/')).toBe(true);
    expect(path.getAttribute('title')).toBe(long);
    // The whole path is in the row (read by screen readers, shown under the row while it has focus).
    expect(screen.getByTestId('history-full').textContent).toBe(long);
    expect(path.querySelector('.short')!.getAttribute('aria-hidden')).toBe('true');
    expect(screen.getByTestId('show-versions').getAttribute('aria-label')).toBe(`Versions of ${long}`);
  });

  it('filters renames, and an empty filter says what found nothing, with a way back', async () => {
    const t = new FakeTransport().on('history', (q) => (q.actions ? { entries: [], total: 0 } : historyHandler(5)(q)));
    setup(t);
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(5));
    await fireEvent.click(screen.getByTestId('filter-renames'));
    await waitFor(() => expect(t.callsOf('history').at(-1)).toMatchObject({ actions: ['rename'] }));
    expect((await screen.findByTestId('history-empty')).textContent).toContain('No renamed or moved files.');
    await fireEvent.click(screen.getByTestId('filter-errors'));
    await waitFor(() => expect(screen.getByTestId('history-empty').textContent).toContain('No errors.'));
    expect(screen.getByTestId('history-empty').textContent).not.toContain('Nothing synced yet');
    await fireEvent.click(screen.getByTestId('history-clear'));
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(5));
    expect(screen.getByTestId('filter-all').getAttribute('aria-pressed')).toBe('true');
  });

  it('says "No match for …" for a search that finds nothing', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const t = new FakeTransport().on('history', historyHandler(30));
      setup(t);
      await waitFor(() => expect(screen.getAllByTestId('history-row').length).toBeGreaterThan(0));
      await fireEvent.input(screen.getByTestId('history-search'), { target: { value: 'holiday.jpg' } });
      await vi.advanceTimersByTimeAsync(300);
      expect((await screen.findByTestId('history-empty')).textContent).toContain('No match for “holiday.jpg”.');
      await fireEvent.click(screen.getByTestId('filter-errors'));
      await waitFor(() => expect(screen.getByTestId('history-empty').textContent).toContain('No match for “holiday.jpg” among errors.'));
      await fireEvent.click(screen.getByTestId('history-clear'));
      await waitFor(() => expect(screen.getAllByTestId('history-row').length).toBeGreaterThan(0));
      expect((screen.getByTestId('history-search') as HTMLInputElement).value).toBe('');
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks for a range of whole local days, and an empty range says so', async () => {
    const t = new FakeTransport().on('history', (q) => (q.since || q.until ? { entries: [], total: 0 } : historyHandler(3)(q)));
    setup(t);
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(3));
    await fireEvent.change(screen.getByTestId('history-from'), { target: { value: '2026-11-20' } });
    await fireEvent.change(screen.getByTestId('history-to'), { target: { value: '2026-11-21' } });
    await waitFor(() => expect(t.callsOf('history').at(-1)).toMatchObject({
      since: new Date(2026, 10, 20).toISOString(), until: new Date(2026, 10, 22).toISOString(),
    }));
    expect((await screen.findByTestId('history-empty')).textContent).toContain('Nothing synced in these dates.');
    expect(screen.queryByTestId('history-range-error')).toBeNull();
    await fireEvent.change(screen.getByTestId('history-from'), { target: { value: '2026-11-25' } });
    expect((await screen.findByTestId('history-range-error')).textContent).toBe('The end date is before the start.');
    expect(screen.getByTestId('history-to').getAttribute('aria-invalid')).toBe('true');
  });

  it('still says "Nothing synced yet." when nothing narrows an empty history', async () => {
    setup(new FakeTransport().on('history', fixed([])));
    expect((await screen.findByTestId('history-empty')).textContent?.trim()).toBe('Nothing synced yet.');
    expect(screen.queryByTestId('history-clear')).toBeNull();
  });
});
