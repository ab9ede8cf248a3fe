import type { FolderWriter } from '../sync/pull-pass.ts';
import { writeRestoredDir, writeRestoredFile, writeRestoredSymlink } from '../restore/safe-writer.ts';

/**
 * How a pull writes into a vault's folder: exactly as restore does (restore/safe-writer.ts): never through
 * a symlink, a temp file (ignored by the scanner, `*.tmp`) renamed into place only after the verified
 * content ended cleanly and was fsync'd.
 */
export function folderWriter(root: string): FolderWriter {
  return {
    file: (rel, source, o) => writeRestoredFile(root, rel, source, { mode: o.mode, mtimeMs: o.mtimeMs, overwrite: o.overwrite }),
    dir: (rel, o) => writeRestoredDir(root, rel, { mode: o.mode }),
    symlink: (rel, target, o) => writeRestoredSymlink(root, rel, target, o),
  };
}
