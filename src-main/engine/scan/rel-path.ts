import { relative, sep } from 'node:path';

/**
 * Relative paths as the ports define them: '/'-separated, no leading '/', no '.' or '..' segments,
 * no empty segments. '' stands for the root itself.
 */
export function assertRelPath(p: string): string {
  if (p === '') return p;
  if (p.startsWith('/') || p.endsWith('/') || p.includes('\0')) throw new Error(`Invalid relative path: ${JSON.stringify(p)}`);
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw new Error(`Invalid relative path: ${JSON.stringify(p)}`);
  }
  return p;
}

/** True when `child` is `parent` or lies below it. The root ('') contains everything. */
export function isWithin(parent: string, child: string): boolean {
  if (parent === '') return true;
  return child === parent || (child.length > parent.length && child.startsWith(parent) && child[parent.length] === '/');
}

/** Proper ancestors, nearest to the root first: 'a/b/c' -> ['a', 'a/b']. */
export function ancestorsOf(p: string): string[] {
  const out: string[] = [];
  let i = p.indexOf('/');
  while (i !== -1) {
    out.push(p.slice(0, i));
    i = p.indexOf('/', i + 1);
  }
  return out;
}

/** True when `p` or one of its ancestors is in `set`. O(depth), which is why sets of roots are used. */
export function coveredBy(set: ReadonlySet<string>, p: string): boolean {
  if (set.has('') || set.has(p)) return true;
  let i = p.indexOf('/');
  while (i !== -1) {
    if (set.has(p.slice(0, i))) return true;
    i = p.indexOf('/', i + 1);
  }
  return false;
}

/** Deduplicates and drops every path that lies under another one in the list. Result is sorted. */
export function collapsePaths(paths: Iterable<string>): string[] {
  const unique = [...new Set(paths)].sort((a, b) => depth(a) - depth(b));
  const kept = new Set<string>();
  for (const p of unique) if (!coveredBy(kept, p)) kept.add(p);
  return [...kept].sort();
}

function depth(p: string): number {
  if (p === '') return -1;
  let n = 0;
  for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) === 47) n++;
  return n;
}

/** Converts an absolute path under `root` to a port-style relative path; null when outside the root. */
export function toRelPath(root: string, abs: string): string | null {
  const rel = relative(root, abs);
  if (rel === '') return '';
  if (rel.startsWith('..') && (rel.length === 2 || rel[2] === sep)) return null;
  if (rel.startsWith(sep) || /^[a-zA-Z]:/.test(rel)) return null;
  return sep === '/' ? rel : rel.split(sep).join('/');
}
