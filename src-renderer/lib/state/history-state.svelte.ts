// Sync history for a virtualised list: pages of entries fetched by offset/limit as rows scroll into view.
import type { ApiClient, FileVersion, HistoryAction, HistoryEntry } from '../api-types.ts';
import { dayRangeQuery, type DayRange } from '../day-range.ts';

export type { DayRange } from '../day-range.ts';

export const PAGE_SIZE = 200;
/** Pages kept in memory; the oldest-used are dropped so 100,000 entries never all load. */
const MAX_PAGES = 12;
/** History events arrive in bursts during a sync; refresh once per burst, not per event. */
const REFRESH_DELAY_MS = 400;

export type HistoryFilter = 'all' | 'uploads' | 'renames' | 'deletes' | 'pulls' | 'conflicts' | 'errors';
const FILTER_ACTIONS: Record<HistoryFilter, HistoryAction[] | undefined> = {
  all: undefined, uploads: ['upload'], renames: ['rename'], deletes: ['delete'], pulls: ['pull'], conflicts: ['conflict'], errors: ['error'],
};

export class HistoryState {
  total = $state(0);
  loading = $state(true);
  error = $state<string | null>(null);
  filter = $state<HistoryFilter>('all');
  search = $state('');
  range = $state<DayRange>({});
  /** Replaced (not mutated) on each load so only the list re-renders. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a raw Map, replaced whole, never mutated once published
  pages = $state.raw(new Map<number, HistoryEntry[]>());
  selectedPath = $state<string | null>(null);
  versions = $state<FileVersion[] | null>(null);
  versionsError = $state<string | null>(null);
  restoreMessage = $state<string | null>(null);

  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, not state: nothing renders it
  private inflight = new Set<number>();
  private generation = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: ApiClient) {}

  start(): () => void {
    const stop = this.api.subscribe((event) => {
      if (event.type !== 'history') return;
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => void this.reload(), REFRESH_DELAY_MS);
    });
    void this.reload();
    return () => {
      clearTimeout(this.refreshTimer);
      stop();
    };
  }

  setFilter(filter: HistoryFilter, search: string): void {
    this.filter = filter;
    this.search = search;
    void this.reload();
  }

  setRange(range: DayRange): void {
    this.range = range;
    void this.reload();
  }

  /** Whether anything narrows the list: an empty answer then means "no match", not "nothing yet". */
  get narrowed(): boolean {
    return this.filter !== 'all' || this.search.trim() !== '' || Object.keys(dayRangeQuery(this.range)).length > 0;
  }

  clearFilters(): void {
    this.filter = 'all';
    this.search = '';
    this.range = {};
    void this.reload();
  }

  /** Drops the cache and loads the first page (and the new total). */
  async reload(): Promise<void> {
    this.generation += 1;
    this.inflight.clear();
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaces the raw Map whole (see pages)
    this.pages = new Map();
    this.loading = true;
    await this.loadPage(0);
    this.loading = false;
  }

  /** The entry at index, or undefined while its page loads (the row shows a placeholder). */
  entryAt(index: number): HistoryEntry | undefined {
    const page = Math.floor(index / PAGE_SIZE);
    const entries = this.pages.get(page);
    if (!entries) {
      void this.loadPage(page);
      return undefined;
    }
    return entries[index % PAGE_SIZE];
  }

  private async loadPage(page: number): Promise<void> {
    if (this.inflight.has(page) || this.pages.has(page)) return;
    this.inflight.add(page);
    const gen = this.generation;
    try {
      const res = await this.api.history({
        offset: page * PAGE_SIZE, limit: PAGE_SIZE,
        actions: FILTER_ACTIONS[this.filter],
        pathContains: this.search.trim() || undefined,
        ...dayRangeQuery(this.range),
        // Checks that found nothing come back as one row per run ("12 checks, nothing changed").
        foldNoChange: true,
      });
      if (gen !== this.generation) return; // a newer filter or refresh superseded this answer
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a copy, published whole (see pages)
      const next = new Map(this.pages);
      next.set(page, res.entries);
      while (next.size > MAX_PAGES) next.delete(next.keys().next().value as number);
      this.pages = next;
      this.total = res.total;
      this.error = null;
    } catch (err) {
      if (gen === this.generation) this.error = err instanceof Error ? err.message : String(err);
    } finally {
      if (gen === this.generation) this.inflight.delete(page);
    }
  }

  async showVersions(path: string): Promise<void> {
    this.selectedPath = path;
    this.versions = null;
    this.versionsError = null;
    this.restoreMessage = null;
    try {
      this.versions = await this.api.versions({ path });
    } catch (err) {
      this.versionsError = err instanceof Error ? err.message : String(err);
    }
  }

  closeVersions(): void {
    this.selectedPath = null;
    this.versions = null;
  }

  async restoreCopy(versionId: string): Promise<void> {
    if (!this.selectedPath) return;
    try {
      const { restoredPath } = await this.api.restoreCopy({ path: this.selectedPath, versionId });
      this.restoreMessage = `Restored as ${restoredPath}`;
    } catch (err) {
      this.restoreMessage = `Restore failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}
