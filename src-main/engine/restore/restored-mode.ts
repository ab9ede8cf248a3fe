/**
 * The permission bits a restored file or folder gets from its manifest mode. The manifest comes from the
 * bucket, and a bucket can be hostile (or the vault may hold another user's files), so by default a
 * restore never creates set-uid, set-gid or world-writable entries: those bits are dropped, and with them
 * the sticky bit, which only matters on a world-writable folder. `preserve` (`coffer restore
 * --preserve-mode`) keeps every bit the manifest has, so a world-writable folder keeps its sticky bit.
 *
 * Folders always keep the owner's rwx so the restore can write into them.
 */
const SPECIAL = 0o7000;
const WORLD_WRITE = 0o002;

export function restoredMode(manifestMode: number, kind: 'file' | 'dir', preserve = false): number {
  const bits = preserve ? manifestMode & 0o7777 : manifestMode & 0o777 & ~WORLD_WRITE & ~SPECIAL;
  return kind === 'dir' ? bits | 0o700 : bits;
}
