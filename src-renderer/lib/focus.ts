// Keyboard focus for views, wizard steps, panels and dialogs: it moves to new content, stays inside a modal
// dialog, and goes back to where it was when the content closes, so keyboard and screen reader users never
// land on <body> after a change.
import type { Action } from 'svelte/action';

const TABBABLE = [
  'a[href]', 'button:not([disabled])', 'input:not([disabled]):not([type="hidden"])', 'select:not([disabled])',
  'textarea:not([disabled])', '[tabindex]:not([tabindex="-1"])',
].join(',');

/** What Tab reaches inside root, in document order (the app uses no positive tabindex). */
export function tabbables(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => !el.closest('[hidden], [inert]'));
}

/**
 * Keeps Tab and Shift+Tab inside root: past the last control to the first and back. Chromium's showModal()
 * already makes the page behind inert, but lets Tab leave for the browser's own UI; this keeps it in the
 * dialog, and works where showModal is missing (jsdom).
 */
export function wrapTab(root: HTMLElement, e: KeyboardEvent): void {
  if (e.key !== 'Tab') return;
  const items = tabbables(root);
  if (items.length === 0) {
    e.preventDefault();
    return;
  }
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const active = document.activeElement;
  const outside = !(active instanceof HTMLElement) || !root.contains(active) || active === root;
  if (e.shiftKey && (active === first || outside)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || (outside && active !== root))) {
    e.preventDefault();
    first.focus();
  }
}

/**
 * Focuses el without making it a tab stop (tabindex=-1 on a heading or container) and returns its text,
 * for the announcement of what is now shown.
 */
export function focusQuietly(el: HTMLElement): string {
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Where focus was, and the elements around it, so it can go back even when that control is gone. */
export interface FocusReturn {
  opener: HTMLElement | null;
  trail: HTMLElement[];
}

export function rememberFocus(): FocusReturn {
  const active = document.activeElement;
  const opener = active instanceof HTMLElement && active !== document.body ? active : null;
  const trail: HTMLElement[] = [];
  for (let el = opener?.parentElement ?? null; el && el !== document.body; el = el.parentElement) trail.push(el);
  return { opener, trail };
}

/**
 * Back to the control that opened the content; if it was replaced (a "Remove" button whose row now says
 * "Removed"), to the first control of the nearest part of the page still there; failing that, the view's
 * heading.
 */
export function returnFocus({ opener, trail }: FocusReturn): void {
  if (opener?.isConnected) {
    opener.focus();
    return;
  }
  for (const el of trail) {
    if (!el.isConnected) continue;
    const first = tabbables(el)[0];
    if (first) {
      first.focus();
      return;
    }
  }
  const heading = document.querySelector<HTMLElement>('main h1');
  if (heading) focusQuietly(heading);
}

/**
 * use:takeFocus on the heading of a panel that opens in place (the versions panel): focus moves to it when it
 * appears and returns to what opened it when it closes.
 */
export const takeFocus: Action<HTMLElement> = (node) => {
  const back = rememberFocus();
  const panel = node.closest<HTMLElement>('section, dialog, [role="dialog"]') ?? node;
  focusQuietly(node);
  return {
    destroy() {
      // Only when focus was inside the panel or went with it: focus the user put elsewhere stays there.
      const active = document.activeElement;
      if (!active || active === document.body || !active.isConnected || panel.contains(active)) returnFocus(back);
    },
  };
};

/** "Step 2 of 4: Destination", read from the wizard's step list (its item marked aria-current="step"). */
export function wizardStepText(root: ParentNode): string | null {
  const current = root.querySelector('[aria-current="step"]');
  const list = current?.parentElement;
  if (!current || !list) return null;
  const steps = [...list.children];
  return `Step ${steps.indexOf(current) + 1} of ${steps.length}: ${(current.textContent ?? '').trim()}`;
}
