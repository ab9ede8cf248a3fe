import type { FileEntry } from '../manifest/schema.ts';
import type { Tree } from '../manifest/manifest-store.ts';

/** Human names for a conflict copy: the member and device that wrote the other version. */
export type NameResolver = (memberId: string | null, deviceId: string) => { member: string; device: string };

/** Without device records or a membership document: the owner, and the device by its id. */
export const defaultNames: NameResolver = (memberId, deviceId) => ({ member: memberId ?? 'owner', device: deviceId });

/** One conflict the merge resolved by writing a copy: `path` kept its name, `copyPath` holds the other version. */
export interface MergeConflict {
  path: string;
  copyPath: string;
  /** The device (and member, when known) that wrote the version now at copyPath. */
  device: string;
  member: string | null;
  /** The copy's version's time (its mtime), ISO-8601: what the copy's name shows. */
  time: string;
  kind: 'both-changed' | 'folder-vs-file';
}

export interface MergeResult {
  tree: Tree;
  conflicts: MergeConflict[];
}

/**
 * Three-way merge of the tree (docs/FORMAT.md "Merge rules"). `base` is what this device last synced (its
 * own view), `ours` the folder as this pass stored it, `theirs` the head. Never drops a version:
 * - a path changed on one side only takes that side; the same change on both sides is one entry; a change
 *   of metadata alone (mode, mtime) gives way to a change of content on the other side;
 * - both sides changed one file differently: ours (the later commit) keeps the name, theirs is kept beside
 *   it as a conflict copy reusing its chunks (no upload). With `theirsKeepName` (a device's first pass,
 *   which has no view of its own yet: a join into a folder that already held files) the vault's version
 *   keeps the name and the folder's becomes the copy, unless the folder's is an older version of that
 *   path the vault still holds (`isOldVersion`): then it is simply stale and theirs is taken;
 * - edit versus delete keeps the edit (so rename versus edit keeps both: the old name edited, the new name);
 * - a file where the other side has a folder (or a folder's entries) becomes a conflict copy; the folder
 *   keeps the name.
 * Pure and deterministic: the same three trees always give the same result.
 */
export function mergeTrees(
  base: Tree, ours: Tree, theirs: Tree, names: NameResolver = defaultNames,
  opts: { theirsKeepName?: boolean; isOldVersion?: (e: FileEntry) => boolean } = {},
): MergeResult {
  const out: Tree = new Map();
  const pending: { path: string; copy: FileEntry; kind: MergeConflict['kind'] }[] = [];
  const paths = [...new Set([...base.keys(), ...ours.keys(), ...theirs.keys()])].sort();
  for (const p of paths) {
    const b = base.get(p);
    const o = ours.get(p);
    const t = theirs.get(p);
    let keep: FileEntry | undefined;
    if (sameEntry(o, b)) keep = t;
    else if (sameEntry(t, b)) keep = o;
    else if (sameContent(o, t)) keep = o;
    else if (sameContent(t, b)) keep = o; // they touched only metadata (mode, mtime): our content stands
    else if (sameContent(o, b)) keep = t; // we touched only metadata: theirs stands
    else if (!b && o && t && opts.isOldVersion?.(o)) keep = t; // no base: ours is an older version the vault holds
    else if (!o) keep = t; // we deleted, they edited: keep the edit
    else if (!t) keep = o; // they deleted, we edited: keep the edit
    else if (o.type === 'dir') {
      keep = o;
      pending.push({ path: p, copy: t, kind: 'folder-vs-file' });
    } else if (t.type === 'dir') {
      keep = t;
      pending.push({ path: p, copy: o, kind: 'folder-vs-file' });
    } else {
      keep = opts.theirsKeepName ? t : o;
      pending.push({ path: p, copy: opts.theirsKeepName ? o : t, kind: 'both-changed' });
    }
    if (keep) out.set(p, keep);
  }
  // Each entry needs real folders above it: a file in the way becomes a conflict copy; a folder one side
  // deleted while the other added inside it comes back (edit wins over delete).
  for (const p of [...out.keys()]) {
    for (const dir of ancestors(p)) {
      const at = out.get(dir);
      if (at?.type === 'dir') continue;
      if (at) pending.push({ path: dir, copy: at, kind: 'folder-vs-file' });
      const known = [theirs.get(dir), ours.get(dir), base.get(dir)].find((e) => e?.type === 'dir');
      out.set(dir, known ?? { path: dir, type: 'dir', size: 0, mode: 0o40755, mtimeMs: 0, device: out.get(p)!.device, seq: out.get(p)!.seq });
    }
  }
  const conflicts: MergeConflict[] = [];
  for (const c of pending) {
    const who = names(null, c.copy.device);
    const time = new Date(Math.trunc(c.copy.mtimeMs)).toISOString();
    const copyPath = freeName(out, conflictName(c.path, who, time));
    out.set(copyPath, { ...c.copy, path: copyPath });
    conflicts.push({ path: c.path, copyPath, device: c.copy.device, member: null, time, kind: c.kind });
  }
  return { tree: out, conflicts };
}

/**
 * `dir/name (conflict – <member> – <device> – <YYYY-MM-DD HHMM>).ext`: the time in UTC; `.ext` is the
 * last extension of the name (none for a name without a dot or starting with its only dot).
 */
export function conflictName(path: string, who: { member: string; device: string }, isoTime: string): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const stamp = `${isoTime.slice(0, 10)} ${isoTime.slice(11, 13)}${isoTime.slice(14, 16)}`;
  return `${dir}${stem} (conflict – ${safePart(who.member)} – ${safePart(who.device)} – ${stamp})${ext}`;
}

/** Names go into a path: no separators, no control characters. */
function safePart(s: string): string {
  return s.replace(/[/\\\p{Cc}]/gu, '_');
}

/** The first of `name`, `name 2`, `name 3`… (the number inside the parenthesis) free in the tree. */
function freeName(tree: Tree, name: string): string {
  if (!tree.has(name)) return name;
  for (let i = 2; ; i++) {
    const candidate = name.replace(/\)([^)]*)$/, ` ${i})$1`);
    if (!tree.has(candidate)) return candidate;
  }
}

function* ancestors(path: string): Generator<string> {
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) yield path.slice(0, i);
}

/** The same entry as committed: content and metadata (who wrote it included). */
export function sameEntry(a: FileEntry | undefined, b: FileEntry | undefined): boolean {
  if (!a || !b) return a === b;
  return a === b || (sameContent(a, b) && a.mode === b.mode && a.mtimeMs === b.mtimeMs && a.device === b.device && a.seq === b.seq);
}

/** The same content: kind, and the hash of a file or the target of a symlink (folders are alike). */
export function sameContent(a: FileEntry | undefined, b: FileEntry | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.type !== b.type) return false;
  if (a.type === 'file') return a.hash === b.hash && a.size === b.size;
  if (a.type === 'symlink') return a.target === b.target;
  return true;
}
