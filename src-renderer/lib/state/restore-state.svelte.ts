// The Restore view's state: the snapshots (a page at a time), the chosen snapshot's folder or search
// results (a page at a time: a 100k-file snapshot never crosses in one message), the selection, the
// restore dialog's choices, live progress from 'restore' events, and the result summary.
import { SvelteSet } from 'svelte/reactivity';
import type { ApiClient, ExistingChoice, RestoreProgress, RestoreSummary, SnapshotItem, SnapshotView } from '../api-types.ts';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
/** Items asked for at once; "Show more" asks for the next page. */
export const ITEM_PAGE = 200;
export const SNAPSHOT_PAGE = 30;

export type RestoreTarget = 'original' | 'other';

/** The zone the UI shows times in: restored copies' names use it too. */
export function uiTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

export class RestoreState {
  snapshots = $state<SnapshotView[]>([]);
  nextSnapshots = $state<string | undefined>(undefined);
  snapshotsLoading = $state(true);
  snapshotsError = $state<string | null>(null);

  snapshot = $state<SnapshotView | null>(null);
  /** The folder shown ('' the top); ignored while `query` is set. */
  folder = $state('');
  /** The search that produced `items` ('' none). */
  query = $state('');
  items = $state<SnapshotItem[]>([]);
  total = $state(0);
  itemsLoading = $state(false);
  itemsError = $state<string | null>(null);
  readonly selected = new SvelteSet<string>();

  dialog = $state<RestoreTarget | null>(null);
  existing = $state<ExistingChoice>('keep-both');
  toFolder = $state('');
  running = $state(false);
  progress = $state<RestoreProgress | null>(null);
  summary = $state<RestoreSummary | null>(null);
  restoreError = $state<string | null>(null);

  /** Answers for a folder or search the user already left are dropped. */
  private asked = 0;

  toFolderError = $derived(this.dialog === 'other' ? folderProblem(this.toFolder) : null);
  canRestore = $derived(this.selected.size > 0 && !this.running);

  constructor(private readonly api: ApiClient) {}

  start(): () => void {
    const stop = this.api.subscribe((event) => {
      if (event.type === 'restore' && this.running) this.progress = event.progress;
    });
    void this.loadSnapshots();
    return stop;
  }

  async loadSnapshots(): Promise<void> {
    this.snapshotsLoading = true;
    this.snapshotsError = null;
    try {
      const page = await this.api.snapshots({ limit: SNAPSHOT_PAGE });
      this.snapshots = page.snapshots;
      this.nextSnapshots = page.next;
    } catch (err) {
      this.snapshotsError = message(err);
    } finally {
      this.snapshotsLoading = false;
    }
  }

  async moreSnapshots(): Promise<void> {
    if (!this.nextSnapshots) return;
    try {
      const page = await this.api.snapshots({ limit: SNAPSHOT_PAGE, from: this.nextSnapshots });
      this.snapshots = [...this.snapshots, ...page.snapshots];
      this.nextSnapshots = page.next;
    } catch (err) {
      this.snapshotsError = message(err);
    }
  }

  /** Shows a snapshot from its top folder; the selection starts empty (paths belong to one snapshot). */
  choose(snapshot: SnapshotView): Promise<void> {
    this.snapshot = snapshot;
    this.selected.clear();
    this.summary = null;
    this.restoreError = null;
    return this.openFolder('');
  }

  openFolder(folder: string): Promise<void> {
    this.folder = folder;
    this.query = '';
    return this.loadItems(false);
  }

  search(query: string): Promise<void> {
    this.query = query.trim();
    return this.loadItems(false);
  }

  /** The next page of the folder or search shown. */
  showMore(): Promise<void> {
    return this.loadItems(true);
  }

  toggle(path: string): void {
    if (this.selected.has(path)) this.selected.delete(path);
    else this.selected.add(path);
  }

  /** Selects (or, when all are selected, clears) every item shown. */
  toggleAllShown(): void {
    const all = this.items.every((i) => this.selected.has(i.path));
    for (const i of this.items) {
      if (all) this.selected.delete(i.path);
      else this.selected.add(i.path);
    }
  }

  /** Opens the dialog with the safe choice preselected: keep both never loses a file that is there now. */
  openDialog(target: RestoreTarget): void {
    this.dialog = target;
    this.existing = 'keep-both';
    this.restoreError = null;
  }

  closeDialog(): void {
    this.dialog = null;
  }

  /** Clears the summary (or the error) of the last restore. */
  dismissResult(): void {
    this.summary = null;
    this.restoreError = null;
  }

  /** Runs the restore the dialog set up; the dialog closes and progress, then the summary, show in the view. */
  async restore(): Promise<void> {
    const snapshot = this.snapshot;
    const target = this.dialog;
    if (!snapshot || !target || !this.canRestore || (target === 'other' && this.toFolderError)) return;
    this.dialog = null;
    this.running = true;
    this.progress = null;
    this.summary = null;
    this.restoreError = null;
    try {
      this.summary = await this.api.restoreSnapshot({
        rootId: snapshot.rootId, paths: [...this.selected], existing: this.existing,
        ...(target === 'other' ? { to: this.toFolder.trim() } : {}),
        ...(uiTimeZone() ? { timeZone: uiTimeZone() } : {}),
      });
      this.selected.clear();
      // "Deleted since" and "changed since" are different now: show the folder as it compares today.
      void this.loadItems(false);
    } catch (err) {
      this.restoreError = message(err);
    } finally {
      this.running = false;
    }
  }

  private async loadItems(append: boolean): Promise<void> {
    const snapshot = this.snapshot;
    if (!snapshot) return;
    const ask = ++this.asked;
    const offset = append ? this.items.length : 0;
    this.itemsLoading = true;
    this.itemsError = null;
    if (!append) this.items = [];
    try {
      const page = this.query
        ? await this.api.snapshotSearch({ rootId: snapshot.rootId, query: this.query, offset, limit: ITEM_PAGE })
        : await this.api.snapshotFolder({ rootId: snapshot.rootId, folder: this.folder, offset, limit: ITEM_PAGE });
      if (ask !== this.asked) return;
      this.items = append ? [...this.items, ...page.items] : page.items;
      this.total = page.total;
    } catch (err) {
      if (ask === this.asked) this.itemsError = message(err);
    } finally {
      if (ask === this.asked) this.itemsLoading = false;
    }
  }
}

/** Why a typed "Restore to…" folder cannot be used, or null: it must be a whole (absolute) path. */
export function folderProblem(text: string): string | null {
  const t = text.trim();
  if (!t) return 'Type the folder to restore into.';
  if (!t.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(t) && !t.startsWith('\\\\')) return 'Give the whole path, starting with / (such as /home/you/Restored).';
  return null;
}
