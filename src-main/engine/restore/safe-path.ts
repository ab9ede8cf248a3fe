import { join, resolve, sep } from 'node:path';
import { encodeName } from '../fsx/raw-name.ts';

export type UnsafeReason =
  | 'not-a-string' | 'empty' | 'nul' | 'backslash' | 'absolute' | 'drive-letter' | 'dot-segment' | 'empty-segment'
  | 'reserved-name' | 'trailing-dot-or-space' | 'name-too-long' | 'outside-target'
  | 'symlink-on-path' | 'symlink-escapes' | 'not-a-directory';

/** A manifest path or symlink target that restore refuses to write. The restore reports it and moves on. */
export class UnsafePathError extends Error {
  constructor(readonly path: string, readonly reason: UnsafeReason, detail?: string) {
    super(`unsafe restore path ${JSON.stringify(path)}: ${detail ?? reason}`);
    this.name = 'UnsafePathError';
  }
}

/**
 * Windows device names, reserved with any extension and in any case ("con.txt", "Aux"): there such a name
 * opens a device instead of a file. Windows also counts the superscript digits ¹²³ as port numbers.
 */
const RESERVED = new Set([
  'CON', 'PRN', 'AUX', 'NUL', 'CONIN$', 'CONOUT$',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, '¹', '²', '³'].flatMap((n) => [`COM${n}`, `LPT${n}`]),
]);

const MAX_NAME_BYTES = 255;

/**
 * The rules of the file system restored to. Names Windows cannot hold (reserved device names, a trailing
 * dot or space, a leading drive letter) are ordinary names on Linux and macOS, so they are refused only
 * when restoring on Windows; elsewhere a file system that still refuses one (FAT or NTFS mounted on
 * Linux) fails that one write, and the restore reports it with windowsNameProblem's words.
 */
export interface TargetRules {
  windowsNames: boolean;
}

export const HOST_RULES: TargetRules = { windowsNames: process.platform === 'win32' };

/** Why Windows (and FAT/NTFS file systems) cannot hold this one name, or null when it can. */
export function windowsNameProblem(seg: string): { reason: 'reserved-name' | 'trailing-dot-or-space' | 'drive-letter'; detail: string } | null {
  if (/[. ]$/.test(seg)) return { reason: 'trailing-dot-or-space', detail: `"${seg}" ends with a dot or space (Windows drops it)` };
  // Windows ignores trailing spaces before the extension too: "CON .txt" is the console.
  const stem = seg.split('.')[0]!.trimEnd().toUpperCase();
  if (RESERVED.has(stem)) return { reason: 'reserved-name', detail: `"${seg}" is a reserved device name on Windows` };
  if (/^[A-Za-z]:/.test(seg)) return { reason: 'drive-letter', detail: driveLetterDetail(seg) };
  return null;
}

/** Checks one path segment; the same rules apply to every segment, directories included. */
export function checkSegment(whole: string, seg: string, rules: TargetRules = HOST_RULES): void {
  if (seg === '') throw new UnsafePathError(whole, 'empty-segment', 'empty path segment');
  if (seg === '.' || seg === '..') throw new UnsafePathError(whole, 'dot-segment', `"${seg}" segment`);
  const windows = rules.windowsNames ? windowsNameProblem(seg) : null;
  if (windows && windows.reason !== 'drive-letter') throw new UnsafePathError(whole, windows.reason, windows.detail);
  if (encodeName(seg).length > MAX_NAME_BYTES) throw new UnsafePathError(whole, 'name-too-long', `a name is longer than ${MAX_NAME_BYTES} bytes`);
}

/**
 * Splits a manifest path into checked segments. Manifest paths are relative, '/'-separated and canonical:
 * no '.', '..' or empty segment, no NUL, and no backslash (a separator on Windows, so treated as hostile).
 */
export function restoreSegments(manifestPath: unknown, rules: TargetRules = HOST_RULES): string[] {
  if (typeof manifestPath !== 'string') throw new UnsafePathError(String(manifestPath), 'not-a-string', 'path is not a string');
  const p = manifestPath;
  if (p === '') throw new UnsafePathError(p, 'empty', 'empty path');
  if (p.includes('\0')) throw new UnsafePathError(p, 'nul', 'contains a NUL byte');
  if (p.includes('\\')) throw new UnsafePathError(p, 'backslash', 'contains a backslash');
  const prefix = rootedPrefix(p);
  if (prefix === 'absolute') throw new UnsafePathError(p, 'absolute', 'absolute path');
  // "x:colon" is a name inside the folder on Linux and macOS; only Windows reads it as drive X.
  if (prefix === 'drive-letter' && rules.windowsNames) throw new UnsafePathError(p, 'drive-letter', driveLetterDetail(p));
  const segs = p.split('/');
  for (const s of segs) checkSegment(p, s, rules);
  return segs;
}

/**
 * How a path is anchored outside the folder it is read from: '/x' and 'C:/x' are absolute (the second
 * refused everywhere: a manifest path never legitimately starts with a drive root); 'x:stream' is not,
 * but Windows reads a leading letter and colon as a drive ('x:stream' is "stream" in drive X's current
 * folder) and a colon later in a name as an NTFS alternate data stream, so it is refused there, with
 * its own message, and restored as the plain name it is elsewhere.
 */
export function rootedPrefix(p: string): 'absolute' | 'drive-letter' | null {
  if (p.startsWith('/') || /^[A-Za-z]:[/\\]/.test(p)) return 'absolute';
  if (/^[A-Za-z]:/.test(p)) return 'drive-letter';
  return null;
}

export function driveLetterDetail(p: string): string {
  return `starts with "${p.slice(0, 2)}", which Windows reads as drive ${p.slice(0, 1).toUpperCase()} ` +
    '(and a colon in a name as an alternate data stream), not as a name inside the restore folder';
}

/** The absolute path under toDir where manifestPath is restored; throws UnsafePathError otherwise. */
export function resolveRestoreTarget(toDir: string, manifestPath: string, rules: TargetRules = HOST_RULES): string {
  const segs = restoreSegments(manifestPath, rules);
  const root = resolve(toDir);
  const target = join(root, ...segs);
  // Belt and braces: the checks above already make this impossible.
  if (!target.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new UnsafePathError(manifestPath, 'outside-target', 'resolves outside the restore folder');
  }
  return target;
}

export interface Collision {
  paths: string[];
  reason: 'case' | 'unicode-normalization';
}

/**
 * Paths that would land on the same file on a case-insensitive or normalizing file system (macOS APFS and
 * HFS+, Windows NTFS). Groups that differ only in Unicode normalization (NFC vs NFD) are reported as
 * 'unicode-normalization'; groups whose NFC forms still differ only by case as 'case'. A file that collides
 * with another path's parent folder ("a" and "A/b") is reported too.
 */
export function detectCollisions(paths: string[]): Collision[] {
  const nfc = (s: string) => s.normalize('NFC');
  const fold = (s: string) => s.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
  const byFold = new Map<string, Set<string>>();
  const add = (key: string, p: string) => {
    let set = byFold.get(key);
    if (!set) byFold.set(key, (set = new Set()));
    set.add(p);
  };
  const files = new Set(paths);
  for (const p of files) add(fold(p), p);
  // Folders only matter where a file folds onto them: note each folder under the folded name of the file.
  for (const p of files) {
    const segs = p.split('/');
    for (let i = 1; i < segs.length; i++) {
      const dir = segs.slice(0, i).join('/');
      const key = fold(dir);
      if (byFold.has(key) && !files.has(dir)) add(key, dir);
    }
  }
  const out: Collision[] = [];
  for (const group of byFold.values()) {
    if (group.size < 2) continue;
    const members = [...group].sort();
    const byNfc = new Map<string, string[]>();
    for (const m of members) byNfc.set(nfc(m), [...(byNfc.get(nfc(m)) ?? []), m]);
    for (const same of byNfc.values()) if (same.length > 1) out.push({ paths: same, reason: 'unicode-normalization' });
    if (byNfc.size > 1) out.push({ paths: members, reason: 'case' });
  }
  return out;
}
