import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import type { EntryKind } from './classify.ts';

/** What the walk keeps of an entry: a few numbers, not the Stats (100,000 of those kept alive cost GC time). */
export interface Observed {
  rel: string;
  kind: EntryKind;
  st: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino' | 'mode'>;
}

/**
 * The fingerprint of a whole folder's metadata: SHA-256 over every entry's (path, kind, size, mtime,
 * ctime, inode, mode), folder by folder in name order (FORMAT.md §7, the local index). Two scans with
 * the same print saw the same files with the same metadata, so a pass that stored the folder as it was
 * at the first one has nothing to do at the second (sync/plan-pass.ts, the no-change pass).
 *
 * - Folders count by kind, inode and mode only: their mtime moves whenever a child comes and goes (an
 *   editor's ignored swap file), and every child that stays is listed on its own.
 * - ctime is in the print although the scanner's rule does not compare it: a rewrite that put the old
 *   mtime back still moves ctime, so the print is never weaker than the scan it replaces.
 * - No print (null) when a file's mtime is inside the racy window (classify.ts): a rewrite within the
 *   timestamp granularity after this scan could look identical, exactly the case the scan re-reads.
 */
export class FolderPrint {
  private readonly dirs: { dir: string; block: string }[] = [];
  private racy = false;

  constructor(private readonly racyBefore: number) {}

  /** One listed folder's entries (any order). */
  addDir(dir: string, entries: readonly Observed[]): void {
    const sorted = entries.length > 1 ? [...entries].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0)) : entries;
    let block = '';
    for (const { rel, kind, st } of sorted) {
      // A name never holds NUL and the numbers never hold a newline, so the encoding is unambiguous.
      if (kind === 'dir') block += `${rel}\0d ${st.ino} ${st.mode}\n`;
      else {
        if (st.mtimeMs >= this.racyBefore) this.racy = true;
        block += `${rel}\0${kind === 'file' ? 'f' : 'l'} ${st.size} ${st.mtimeMs} ${st.ctimeMs} ${st.ino} ${st.mode}\n`;
      }
    }
    this.dirs.push({ dir, block });
  }

  /** The hex print, or null when a file was racily clean. */
  digest(): string | null {
    if (this.racy) return null;
    this.dirs.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
    const h = createHash('sha256').update('coffer-folder-print-v1\n');
    for (const { dir, block } of this.dirs) h.update(`${dir}\0\n`).update(block);
    return h.digest('hex');
  }
}
