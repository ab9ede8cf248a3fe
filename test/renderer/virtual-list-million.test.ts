import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import History from '../../src-renderer/views/History.svelte';
import { HistoryState } from '../../src-renderer/lib/state/history-state.svelte.ts';
import { MAX_SPACER_PX, firstRowAt, scrollMap, scrollTopFor } from '../../src-renderer/lib/scroll-map.ts';
import { FakeTransport } from './fake-transport.ts';
import { historyEntry, historyHandler } from './fixtures.ts';

const ROW = 36;
const HEIGHT = 480;
const MILLION = 1_000_000;

describe('scroll map', () => {
  it('is the identity while the list fits', () => {
    const m = scrollMap(1000, ROW, HEIGHT);
    expect(m.spacer).toBe(36_000);
    expect(firstRowAt(m, 3600)).toBe(100);
    expect(scrollTopFor(m, 100)).toBe(3600);
  });

  it('caps the spacer and maps both ends of the scroll range onto the first and the last rows', () => {
    const m = scrollMap(MILLION, ROW, HEIGHT);
    expect(m.spacer).toBe(MAX_SPACER_PX);
    expect(firstRowAt(m, 0)).toBe(0);
    // At the bottom, the viewport's last full row is the millionth.
    expect(firstRowAt(m, m.maxScroll) + HEIGHT / ROW).toBeCloseTo(MILLION, 6);
    expect(firstRowAt(m, scrollTopFor(m, 654_321))).toBeCloseTo(654_321, 6);
    // Beyond the range is clamped, not extrapolated.
    expect(firstRowAt(m, m.maxScroll * 2)).toBe(m.maxFirst);
  });
});

function setup() {
  const t = new FakeTransport().on('history', historyHandler(MILLION));
  const history = new HistoryState(t.client());
  history.start();
  render(History, { history, listHeight: HEIGHT });
  return t;
}

const lastRowText = () => screen.getAllByTestId('history-row').at(-1)?.textContent ?? '';
const positions = () => [...screen.getByTestId('history-list').querySelectorAll<HTMLElement>('[role=listitem]')].map((r) => Number(r.getAttribute('aria-posinset')));

describe('a history of 1,000,000 entries', () => {
  it('keeps the spacer under the browsers\' limit and reaches the last row by scrolling', async () => {
    const t = setup();
    await waitFor(() => expect(screen.getAllByTestId('history-row').length).toBeGreaterThan(0));
    const list = screen.getByTestId('history-list');
    const spacer = list.querySelector<HTMLElement>('.spacer')!;
    expect(parseFloat(spacer.style.height)).toBe(MAX_SPACER_PX);
    list.scrollTop = MAX_SPACER_PX - HEIGHT;
    await fireEvent.scroll(list);
    await waitFor(() => expect(lastRowText()).toContain(historyEntry(MILLION - 1).path));
    expect(Math.max(...positions())).toBe(MILLION);
    expect(t.callsOf('history')).toContainEqual({ offset: 999_800, limit: 200, foldNoChange: true });
    // The last row is drawn inside the viewport, not beyond the spacer.
    const last = [...list.querySelectorAll<HTMLElement>('[role=listitem]')].find((r) => r.getAttribute('aria-posinset') === String(MILLION))!;
    expect(parseFloat(last.style.top) + ROW).toBeCloseTo(MAX_SPACER_PX, 3);
  });

  it('reaches the last row with End, the first with Home, and pages by rows with PageDown', async () => {
    setup();
    await waitFor(() => expect(screen.getAllByTestId('history-row').length).toBeGreaterThan(0));
    const list = screen.getByTestId('history-list');
    list.focus();
    await fireEvent.keyDown(list, { key: 'End' });
    await waitFor(() => expect(lastRowText()).toContain(historyEntry(MILLION - 1).path));
    expect(document.activeElement).toBe(list);
    await fireEvent.keyDown(list, { key: 'Home' });
    await waitFor(() => expect(screen.getAllByTestId('history-row')[0]?.textContent).toContain(historyEntry(0).path));
    expect(Math.min(...positions())).toBe(1);
    // One page is the rows in view less one, so no row is skipped (a scaled pixel scroll would skip ~3.5×).
    await fireEvent.keyDown(list, { key: 'PageDown' });
    const page = Math.floor(HEIGHT / ROW) - 1;
    const top = [...list.querySelectorAll<HTMLElement>('[role=listitem]')].find((r) => Math.abs(parseFloat(r.style.top) - list.scrollTop) < 1);
    expect(top?.getAttribute('aria-posinset')).toBe(String(page + 1));
    await fireEvent.keyDown(list, { key: 'ArrowUp' });
    const up = [...list.querySelectorAll<HTMLElement>('[role=listitem]')].find((r) => Math.abs(parseFloat(r.style.top) - list.scrollTop) < 1);
    expect(up?.getAttribute('aria-posinset')).toBe(String(page));
  });
});
