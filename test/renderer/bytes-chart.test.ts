import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import BytesChart from '../../src-renderer/components/BytesChart.svelte';
import { byteTicks, formatDay, labelledDays } from '../../src-renderer/lib/chart-scale.ts';

const MiB = 1024 ** 2;

describe('chart scale', () => {
  it('ticks round numbers of the unit formatBytes shows, covering the maximum', () => {
    expect(byteTicks(350 * MiB)).toEqual([0, 100, 200, 300, 400].map((v) => v * MiB));
    expect(byteTicks(3 * MiB)).toEqual([0, 1, 2, 3].map((v) => v * MiB));
    expect(byteTicks(900)).toEqual([0, 500, 1000]);
    expect(byteTicks(0)).toEqual([0, 1024]);
    for (const max of [1, 7, 1023, 1024, 5e6, 3.3e9, 2e13]) {
      const t = byteTicks(max);
      expect(t.at(-1)!).toBeGreaterThanOrEqual(max);
      expect(t.length).toBeLessThanOrEqual(6);
    }
  });

  it('labels days as "27 Nov", the first and the last always', () => {
    expect(formatDay('2026-11-27')).toBe('27 Nov');
    expect(formatDay('2026-01-03')).toBe('3 Jan');
    expect(labelledDays(14)).toEqual([0, 4, 8, 13]);
    expect(labelledDays(1)).toEqual([0]);
    expect(labelledDays(366).at(-1)).toBe(365);
  });
});

describe('BytesChart', () => {
  const days = Array.from({ length: 14 }, (_, i) => ({ day: `2026-11-${String(14 + i).padStart(2, '0')}`, bytes: i === 12 ? 350 * MiB : i * MiB }));

  it('has a y axis in human units and an x axis with day labels', () => {
    render(BytesChart, { days });
    const yLabels = within(screen.getByTestId('chart-y-axis')).getAllByTestId('chart-y-label').map((t) => t.textContent);
    expect(yLabels).toEqual(['0 B', '100 MiB', '200 MiB', '300 MiB', '400 MiB']);
    const xLabels = within(screen.getByTestId('chart-x-axis')).getAllByTestId('chart-x-label').map((t) => t.textContent);
    expect(xLabels).toEqual(['14 Nov', '18 Nov', '22 Nov', '27 Nov']);
    expect(screen.getAllByTestId('chart-bar')).toHaveLength(14);
  });

  it('is one image with a text alternative, and its numbers are in a table', () => {
    render(BytesChart, { days });
    const img = screen.getByRole('img');
    expect(img.tagName.toLowerCase()).toBe('svg');
    const name = img.getAttribute('aria-labelledby')!;
    expect(document.getElementById(name)?.textContent).toBe(
      'Bytes uploaded per day, 14 Nov to 27 Nov: 429 MiB in total, most on 26 Nov (350 MiB).',
    );
    const rows = within(screen.getByTestId('chart-table')).getAllByRole('row');
    expect(rows).toHaveLength(15);
    expect(within(rows[13]!).getByRole('rowheader').textContent).toBe('26 Nov');
    expect(within(rows[13]!).getByRole('cell').textContent).toBe('350 MiB');
    expect(within(rows[13]!).getByRole('cell').getAttribute('title')).toBe(`${(350 * MiB).toLocaleString('en')} bytes`);
  });

  it('says when nothing was uploaded in the range', () => {
    render(BytesChart, { days: days.map((d) => ({ ...d, bytes: 0 })) });
    expect(document.getElementById(screen.getByRole('img').getAttribute('aria-labelledby')!)?.textContent).toMatch(/0 B in total, nothing uploaded\.$/);
  });
});
