import { decodeName, displayName, encodeName, isRawName } from '../fsx/raw-name.ts';
import type { FileEntry } from './schema.ts';

/**
 * The manifest's byte-exact form for names that are not valid UTF-8 (FORMAT.md §Names). In the engine a
 * path or symlink target is a string that may hold escaped bytes (fsx/raw-name.ts). In a segment such a
 * string is written as `rawPath` / `rawTarget` (base64 of the exact bytes) beside a readable `path` /
 * `target`, so that the JSON stays plain Unicode text every reader can parse. Valid names are unchanged,
 * so segments written before this form existed read as they always did.
 */
export function toStoredEntry(e: FileEntry): FileEntry {
  if (!isRawName(e.path) && (e.target === undefined || !isRawName(e.target))) return e;
  const out: FileEntry = { ...e };
  if (isRawName(e.path)) {
    out.path = displayName(e.path);
    out.rawPath = encodeName(e.path).toString('base64');
  }
  if (e.target !== undefined && isRawName(e.target)) {
    out.target = displayName(e.target);
    out.rawTarget = encodeName(e.target).toString('base64');
  }
  return out;
}

/** The inverse of toStoredEntry: the engine's form, exact bytes restored from the raw fields. */
export function fromStoredEntry(e: FileEntry): FileEntry {
  if (e.rawPath === undefined && e.rawTarget === undefined) return e;
  const { rawPath, rawTarget, ...rest } = e;
  const out: FileEntry = { ...rest };
  if (rawPath !== undefined) out.path = decodeName(Buffer.from(rawPath, 'base64'));
  if (rawTarget !== undefined) out.target = decodeName(Buffer.from(rawTarget, 'base64'));
  return out;
}
