// axe-core in the page under test: injected once per document, run in light and dark, violations printed
// so a failure says which rule, where, and why, without opening a report.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults, Result } from 'axe-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const SCHEMES = ['light', 'dark'] as const;
/** The page's globals these helpers use (the tests compile without the DOM library). */
interface AxePage {
  axe: { run(context: unknown, options: object): Promise<AxeResults> };
  document: unknown;
  matchMedia(query: string): { matches: boolean };
}

/**
 * Registers axe for every document the page loads. The page's CSP (script-src 'self') refuses an inline
 * <script>, so page.addScriptTag({ content }) is blocked; an init script is injected by the browser itself,
 * and the CSP stays on, so axe sees the page exactly as users get it.
 */
export async function installAxe(page: Page): Promise<void> {
  await page.addInitScript({ content: AXE_SOURCE });
}

/** One readable line per failing node: rule, impact, selector, and axe's own summary of what is wrong. */
export function describeViolations(where: string, violations: Result[]): string {
  return violations.map((v) => [
    `${where}: ${v.id} (${v.impact ?? 'n/a'}): ${v.help}`,
    ...v.nodes.map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`),
  ].join('\n')).join('\n');
}

/** Runs axe over the whole document in each colour scheme; returns the violations, described. */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    const dark = await page.evaluate(() => (globalThis as unknown as AxePage).matchMedia('(prefers-color-scheme: dark)').matches);
    if (dark !== (colorScheme === 'dark')) throw new Error(`${where}: the page did not switch to the ${colorScheme} scheme`);
    // axe.run in the page; resultTypes: only violations are needed, which keeps each run short.
    const results = await page.evaluate(() => {
      const w = globalThis as unknown as AxePage;
      return w.axe.run(w.document, { resultTypes: ['violations'] });
    });
    if (results.violations.length > 0) found.push(describeViolations(`${where} [${colorScheme}]`, results.violations));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}
