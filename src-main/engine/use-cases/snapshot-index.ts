import type { Tree } from '../manifest/manifest-store.ts';
import { sameContent } from '../manifest/root-diff.ts';
import type { SnapshotItem } from '../ports/vault-service.ts';

interface FolderStats {
  size: number;
  files: number;
  deleted: number;
  changed: number;
}

/**
 * A snapshot's tree as folders, for the Restore view: each folder's children (folders first, then by
 * name), with sizes and file counts summed up the tree, and each file compared with the newest snapshot,
 * so a file deleted since can be found and put back. Built once per snapshot (the service keeps a few),
 * so a 100k-file snapshot is read once and then paged folder by folder.
 */
export class SnapshotIndex {
  private readonly children = new Map<string, Map<string, SnapshotItem>>();
  private readonly stats = new Map<string, FolderStats>();
  private readonly all: SnapshotItem[] = [];

  constructor(tree: Tree, newest: Tree) {
    for (const e of tree.values()) {
      const now = e.type === 'dir' ? 'same' : !newest.has(e.path) ? 'deleted' : sameContent(newest.get(e.path), e) ? 'same' : 'changed';
      const item: SnapshotItem = {
        path: e.path, name: baseName(e.path), type: e.type, size: e.type === 'file' ? e.size : 0, files: 0,
        mtime: new Date(e.mtimeMs).toISOString(), now,
      };
      if (e.type === 'dir') this.folder(e.path, item);
      else {
        const parent = parentOf(e.path);
        this.childrenOf(parent).set(item.name, item);
        this.all.push(item);
        // A folder once registered has its ancestors registered too (folder() climbs).
        if (parent && !this.stats.has(parent)) this.folder(parent);
        for (let dir = parent; ; dir = parentOf(dir)) {
          const st = this.statsOf(dir);
          st.size += item.size;
          st.files++;
          if (now === 'deleted') st.deleted++;
          if (now === 'changed') st.changed++;
          if (!dir) break;
        }
      }
    }
    for (const [path, st] of this.stats) {
      if (!path) continue;
      const item = this.childrenOf(parentOf(path)).get(baseName(path))!;
      Object.assign(item, { size: st.size, files: st.files, now: st.files > 0 && st.deleted === st.files ? 'deleted' : st.deleted + st.changed > 0 ? 'changed' : 'same' });
    }
  }

  /** The children of `folder` ('' for the top), folders first, then by name; null when there is no such folder. */
  list(folder: string): SnapshotItem[] | null {
    const kids = this.children.get(folder);
    if (!kids) return folder === '' ? [] : null;
    return [...kids.values()].sort((a, b) => (a.type === 'dir') !== (b.type === 'dir') ? (a.type === 'dir' ? -1 : 1) : compare(a.name, b.name));
  }

  /** Folders, files and symlinks whose path contains `query`, ignoring case, by path. */
  search(query: string): SnapshotItem[] {
    const q = query.toLowerCase();
    const folders = [...this.stats.keys()].filter((p) => p && p.toLowerCase().includes(q)).map((p) => this.childrenOf(parentOf(p)).get(baseName(p))!);
    return byPath([...folders, ...this.all.filter((i) => i.path.toLowerCase().includes(q))]);
  }

  /** Registers a folder (with its manifest entry, or implied by a file under it) in its parent. */
  private folder(path: string, item?: SnapshotItem): void {
    if (!path) return;
    const siblings = this.childrenOf(parentOf(path));
    const name = baseName(path);
    if (!siblings.has(name)) {
      siblings.set(name, item ?? { path, name, type: 'dir', size: 0, files: 0, now: 'same' });
      this.folder(parentOf(path));
    } else if (item) siblings.set(name, { ...item, ...pick(siblings.get(name)!) });
    this.statsOf(path);
    this.childrenOf(path);
  }

  private childrenOf(folder: string): Map<string, SnapshotItem> {
    let kids = this.children.get(folder);
    if (!kids) this.children.set(folder, (kids = new Map()));
    return kids;
  }

  private statsOf(folder: string): FolderStats {
    let st = this.stats.get(folder);
    if (!st) this.stats.set(folder, (st = { size: 0, files: 0, deleted: 0, changed: 0 }));
    return st;
  }
}

/** Sorted by path, each lower-cased once (compare() on 100k items would lower-case millions of times). */
function byPath(items: SnapshotItem[]): SnapshotItem[] {
  return items.map((i) => ({ i, key: i.path.toLowerCase() }))
    .sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.i.path < b.i.path ? -1 : a.i.path > b.i.path ? 1 : 0))
    .map((x) => x.i);
}

const pick = (i: SnapshotItem) => ({ size: i.size, files: i.files });
/** Case-insensitive first, as file managers list names; then exact, so the order is total. */
function compare(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
