import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import History from '../../src-renderer/views/History.svelte';
import { HistoryState, PAGE_SIZE } from '../../src-renderer/lib/state/history-state.svelte.ts';
import { FakeTransport } from './fake-transport.ts';
import { historyEntry, historyHandler, iso, NOW } from './fixtures.ts';

const ROW_HEIGHT = 36;
const LIST_HEIGHT = 480;

function setup(t: FakeTransport) {
  const history = new HistoryState(t.client());
  const stop = history.start();
  render(History, { history, listHeight: LIST_HEIGHT });
  return { history, stop };
}

describe('Sync history', () => {
  it('shows loading, then the empty state', async () => {
    const t = new FakeTransport();
    const pending = t.hang('history');
    setup(t);
    expect(screen.getByTestId('history-loading')).toBeTruthy();
    pending.release({ entries: [], total: 0 });
    expect(await screen.findByTestId('history-empty')).toBeTruthy();
  });

  it('shows an error with Retry', async () => {
    const t = new FakeTransport().fail('history', 'store-error', 'journal unreadable');
    setup(t);
    expect((await screen.findByTestId('history-error')).textContent).toContain('journal unreadable');
    t.on('history', historyHandler(3));
    await fireEvent.click(screen.getByTestId('history-error-retry'));
    await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(3));
    expect(screen.queryByTestId('history-error')).toBeNull();
  });

  it('keeps only the visible rows in the DOM for 100,000 entries, newest first', async () => {
    const t = new FakeTransport().on('history', historyHandler(100_000));
    setup(t);
    await waitFor(() => expect(screen.getAllByTestId('history-row').length).toBeGreaterThan(0));
    expect(screen.getByTestId('history-total').textContent).toBe('100,000 entries');
    const rows = screen.getAllByTestId('history-row');
    expect(rows.length).toBeLessThanOrEqual(Math.ceil(LIST_HEIGHT / ROW_HEIGHT) + 12);
    expect(rows[0]?.textContent).toContain(historyEntry(0).path);
    // Only the first page was fetched, with offset/limit paging.
    expect(t.callsOf('history')).toEqual([{ offset: 0, limit: PAGE_SIZE, foldNoChange: true }]);
  });

  it('fetches the page for rows scrolled into view', async () => {
    const t = new FakeTransport().on('history', historyHandler(100_000));
    setup(t);
    await waitFor(() => expect(screen.getAllByTestId('history-row').length).toBeGreaterThan(0));
    const list = screen.getByTestId('history-list');
    list.scrollTop = 50_000 * ROW_HEIGHT;
    await fireEvent.scroll(list);
    await waitFor(() => expect(screen.getAllByTestId('history-row')[0]?.textContent).toContain('file-49994.txt'));
    expect(t.callsOf('history')).toContainEqual({ offset: 49_800, limit: PAGE_SIZE, foldNoChange: true });
    expect(screen.getAllByTestId('history-row').length).toBeLessThanOrEqual(Math.ceil(LIST_HEIGHT / ROW_HEIGHT) + 12);
    expect(list.querySelector('.spacer')?.getAttribute('style')).toContain(`${100_000 * ROW_HEIGHT}px`);
  });

  it('filters by action and path', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const t = new FakeTransport().on('history', historyHandler(600));
      setup(t);
      await waitFor(() => expect(screen.getByTestId('history-total').textContent).toBe('600 entries'));
      await fireEvent.click(screen.getByTestId('filter-errors'));
      await waitFor(() => expect(screen.getByTestId('history-total').textContent).toBe('100 entries'));
      expect(screen.getAllByTestId('history-row').every((r) => r.dataset.action === 'error')).toBe(true);
      expect(screen.getByTestId('filter-errors').getAttribute('aria-pressed')).toBe('true');
      await fireEvent.input(screen.getByTestId('history-search'), { target: { value: 'dir4/' } });
      await vi.advanceTimersByTimeAsync(300);
      await waitFor(() => expect(t.callsOf('history').at(-1)).toMatchObject({ actions: ['error'], pathContains: 'dir4/' }));
      await waitFor(() => expect(screen.getAllByTestId('history-row').every((r) => r.textContent?.includes('dir4/'))).toBe(true));
    } finally {
      vi.useRealTimers();
    }
  });

  it('refreshes once per burst of history events', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let n = 5;
      const t = new FakeTransport().on('history', (q) => historyHandler(n)(q));
      setup(t);
      await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(5));
      n = 8;
      for (let i = 0; i < 20; i++) t.emit({ type: 'history', entries: [historyEntry(i)] });
      await vi.advanceTimersByTimeAsync(500);
      await waitFor(() => expect(screen.getAllByTestId('history-row')).toHaveLength(8));
      expect(t.callsOf('history')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lists a file\'s versions and restores one as a copy', async () => {
    const versions = [
      { versionId: 'v1', time: iso(NOW - 86_400_000), size: 10, hash: 'h1', deleted: false, device: 'laptop' },
      { versionId: 'v2', time: iso(NOW), size: 12, hash: 'h2', deleted: false, device: 'laptop' },
    ];
    const t = new FakeTransport().on('history', historyHandler(2)).on('versions', () => versions)
      .on('restoreCopy', (req) => ({ restoredPath: `${req.path} (restored)` }));
    setup(t);
    const buttons = await screen.findAllByTestId('show-versions');
    await fireEvent.click(buttons[0]!);
    await waitFor(() => expect(screen.getAllByTestId('version-row')).toHaveLength(2));
    expect(t.callsOf('versions')).toEqual([{ path: historyEntry(0).path }]);
    await fireEvent.click(screen.getAllByTestId('restore-copy')[1]!);
    expect((await screen.findByTestId('restore-message')).textContent).toBe(`Restored as ${historyEntry(0).path} (restored)`);
    expect(t.callsOf('restoreCopy')).toEqual([{ path: historyEntry(0).path, versionId: 'v1' }]);
    await fireEvent.click(screen.getByLabelText('Close versions'));
    expect(screen.queryByTestId('versions-panel')).toBeNull();
  });
});
