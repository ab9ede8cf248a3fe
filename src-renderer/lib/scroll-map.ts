// Where a virtual list's rows sit for a scroll position, and back. Browsers stop growing an element at
// about 33.5 M px (Chrome; Firefox near 17.9 M), so a list of 1,000,000 rows × 36 px cannot be one tall
// spacer. Past MAX_SPACER_PX the spacer stays that tall and the scroll range maps linearly onto the rows:
// the top of the scroll range shows row 0, the bottom shows the last row.

/** Well under every browser's limit on an element's height. */
export const MAX_SPACER_PX = 8_000_000;

export interface ScrollMap {
  /** The spacer's height: the whole list when it fits, else MAX_SPACER_PX. */
  spacer: number;
  /** The largest scrollTop the viewport can reach. */
  maxScroll: number;
  /** The first visible row (fractional) when the viewport shows the last rows. */
  maxFirst: number;
}

export function scrollMap(count: number, rowHeight: number, height: number, cap = MAX_SPACER_PX): ScrollMap {
  const full = count * rowHeight;
  const spacer = Math.min(full, cap);
  return { spacer, maxScroll: Math.max(0, spacer - height), maxFirst: Math.max(0, full - height) / rowHeight };
}

/** The first visible row (fractional) at scrollTop: exactly scrollTop / rowHeight while the list fits. */
export function firstRowAt(m: ScrollMap, scrollTop: number): number {
  if (m.maxScroll === 0) return 0;
  return (Math.min(Math.max(0, scrollTop), m.maxScroll) / m.maxScroll) * m.maxFirst;
}

/** The scrollTop that puts row (fractional) at the top of the viewport, clamped to the list. */
export function scrollTopFor(m: ScrollMap, row: number): number {
  if (m.maxFirst === 0) return 0;
  return (Math.min(Math.max(0, row), m.maxFirst) / m.maxFirst) * m.maxScroll;
}
