import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const IGNORE_FILE = '.cofferignore';

/**
 * Temp and lock files that editors, browsers and OSes leave behind. Backing them up is noise, and they
 * are often mid-write. `.git/` is deliberately absent: users may want their repositories backed up.
 * A `.cofferignore` can re-include any of these with a `!pattern` line (its rules come after these).
 */
export const DEFAULT_IGNORES: readonly string[] = [
  '*.tmp', '*.swp', '*.swo', '*~', '.#*', '\\#*#',
  '.DS_Store', 'Thumbs.db', 'desktop.ini',
  '~$*', '.~lock.*#', '*.crdownload', '*.part',
  '.Trash-*/',
];

/**
 * Lookups one matcher answers before it is rebuilt from the same rules. The `ignore` package caches the
 * answer for every path it is asked about, and for each of its parent folders, and never forgets one:
 * a scan of 100,000 files left 100,000 cached answers (6 MB) held for the life of the process, growing
 * with every new name a watcher reports. Rebuilding costs compiling the rules again (microseconds);
 * what is lost is only the cache of parent folders, which fills again within one folder's entries.
 */
export const LOOKUPS_PER_MATCHER = 4096;

export interface IgnoreOptions {
  /** Case-insensitive matching, as git does on case-insensitive file systems. Default: not on Linux. */
  ignoreCase?: boolean;
}

/** What the scanner and the watcher need from ignore rules; IgnoreRules is the real one. */
export interface PathFilter {
  /** `relPath` is port-style ('/'-separated, relative). */
  ignores(relPath: string, isDir: boolean): boolean;
  /** Picks up edits to the rules; true when they changed (a full rescan is then due). */
  refresh(): Promise<boolean>;
  /**
   * Bumped on every change of the rules. Scanner and watcher share one instance and both refresh it,
   * so "did refresh() return true" is not enough for the second one to notice; comparing this is.
   */
  readonly generation: number;
}

/**
 * `.cofferignore` at the root (gitignore syntax, the `ignore` package) on top of DEFAULT_IGNORES.
 * The scanner and the watcher share one instance so they agree on what is invisible.
 */
export class IgnoreRules implements PathFilter {
  private matcher: Ignore;
  private lookups = 0;
  private fileKey: string | null;
  private text: string;
  private gen = 0;

  private constructor(
    readonly root: string | null,
    private readonly opts: IgnoreOptions,
    text: string,
    fileKey: string | null,
  ) {
    this.matcher = build(text, opts);
    this.fileKey = fileKey;
    this.text = text;
  }

  /** Reads `<root>/.cofferignore` if present; a missing file means defaults only. */
  static async load(root: string, opts: IgnoreOptions = {}): Promise<IgnoreRules> {
    const { text, key } = await readIgnoreFile(root);
    return new IgnoreRules(root, opts, text, key);
  }

  /** Rules from text, with no file behind them (refresh() never changes them). */
  static fromText(text: string, opts: IgnoreOptions = {}): IgnoreRules {
    return new IgnoreRules(null, opts, text, null);
  }

  get generation(): number {
    return this.gen;
  }

  /** The user's patterns as loaded, for display. */
  get userPatterns(): string {
    return this.text;
  }

  /**
   * Re-reads `.cofferignore` when its size, mtime or inode changed since the last load.
   * Returns true when the rules changed, so the caller knows a full rescan is due.
   */
  async refresh(): Promise<boolean> {
    if (this.root === null) return false;
    const { text, key } = await readIgnoreFile(this.root);
    if (key === this.fileKey) return false;
    this.fileKey = key;
    const changed = text !== this.text;
    if (!changed) return false;
    this.text = text;
    this.matcher = build(text, this.opts);
    this.gen++;
    return true;
  }

  /** `relPath` is port-style ('/'-separated, relative). The root ('') is never ignored. */
  ignores(relPath: string, isDir: boolean): boolean {
    if (relPath === '') return false;
    if (++this.lookups > LOOKUPS_PER_MATCHER) {
      this.matcher = build(this.text, this.opts);
      this.lookups = 1;
    }
    return this.matcher.ignores(isDir ? `${relPath}/` : relPath);
  }
}

function build(text: string, opts: IgnoreOptions): Ignore {
  const ignoreCase = opts.ignoreCase ?? process.platform !== 'linux';
  return ignore({ ignorecase: ignoreCase }).add([...DEFAULT_IGNORES]).add(text);
}

async function readIgnoreFile(root: string): Promise<{ text: string; key: string | null }> {
  const path = join(root, IGNORE_FILE);
  try {
    const st = await stat(path);
    const text = await readFile(path, 'utf8');
    return { text, key: `${st.ino}:${st.size}:${st.mtimeMs}:${text.length}` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', key: null };
    throw new Error(`Cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}
