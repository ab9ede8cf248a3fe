/**
 * Names Linux and macOS allow but Windows does not. Coffer stores them as they are (the folder it syncs is
 * the truth, and restore on Linux and macOS gives them back byte-exact); this only says which ones a
 * restore on Windows could not create, so `sync` can say so once, when the name is first stored.
 *
 * Windows refuses (https://learn.microsoft.com/windows/win32/fileio/naming-a-file):
 * - the device names CON, PRN, AUX, NUL, COM0-9, LPT0-9 (also with the superscript digits ¹²³), in any
 *   case, with or without an extension: `aux.c` and `CON.tar.gz` are the device too;
 * - a name ending in a dot or a space (Windows strips them, so the file would get another name);
 * - the characters < > : " | ? * and backslash (a separator there), and control characters 1-31.
 */

const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/iu;
const FORBIDDEN = /[<>:"|?*\\\u0000-\u001f]/u;

/** Why Windows cannot hold this one name (a single path component), or null when it can. */
export function windowsNameProblem(name: string): string | null {
  if (name === '' || name === '.' || name === '..') return null;
  // The device check looks at the part before the first dot, trailing spaces dropped, as Windows does.
  const stem = name.split('.')[0]!.replace(/ +$/u, '');
  if (DEVICE.test(stem)) return `${stem.toUpperCase()} is a device name on Windows`;
  if (name.endsWith('.') || name.endsWith(' ')) return 'Windows drops a trailing dot or space';
  const bad = FORBIDDEN.exec(name);
  if (bad) {
    const c = bad[0];
    return c.charCodeAt(0) < 0x20 ? 'it holds a control character' : `Windows does not allow ${JSON.stringify(c)} in a name`;
  }
  return null;
}

/** The last component of a '/'-separated relative path: each folder is an entry of its own. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
