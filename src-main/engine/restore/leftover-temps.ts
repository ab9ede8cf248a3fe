import { randomBytes } from 'node:crypto';
import { lstat, readdir, unlink } from 'node:fs/promises';
import { fsPath } from '../fsx/raw-name.ts';
import { join, resolve } from 'node:path';

/**
 * Restore writes each file to a temp file beside it, then renames it into place (safe-writer.ts). A
 * crash (kill -9, power loss) between the two leaves that temp file, holding plaintext, in the restore
 * target; the case probe can leave an empty one in the target's root. The next restore into the same
 * target removes them from every folder it writes into (docs/THREAT-MODEL.md).
 *
 * Only names Coffer itself makes are touched, and only regular files: ".coffer-restore-" + 16 hex + ".tmp"
 * and ".coffer-case-probe-" + 12 hex. A user's file never matches by accident of naming.
 */
const LEFTOVER = /^\.coffer-(?:restore-[0-9a-f]{16}\.tmp|case-probe-[0-9a-f]{12})$/;

export function restoreTempName(random: (n: number) => Uint8Array = randomBytes): string {
  return `.coffer-restore-${Buffer.from(random(8)).toString('hex')}.tmp`;
}

export function isLeftoverTemp(name: string): boolean {
  return LEFTOVER.test(name);
}

/**
 * Removes leftovers from toDir and from each folder `relDirs` names under it ('/'-separated). A folder
 * that is missing, or reached through a symlink, is skipped: restore never writes through one, so no
 * temp file of its own can be there. Returns how many files were removed.
 *
 * `modifiedBefore` (epoch ms) spares temp files written since then: in the synced folder another restore
 * of this app may be writing one right now (each write moves its mtime), and it must not lose it.
 */
export async function removeLeftoverTemps(toDir: string, relDirs: Iterable<string>, opts: { modifiedBefore?: number } = {}): Promise<number> {
  const root = resolve(toDir);
  const dirs = new Set<string>(['']);
  for (const d of relDirs) dirs.add(d);
  let removed = 0;
  for (const rel of dirs) {
    const dir = await realDir(root, rel);
    if (dir) removed += await removeIn(dir, opts.modifiedBefore ?? Infinity);
  }
  return removed;
}

async function removeIn(dir: string, modifiedBefore: number): Promise<number> {
  let removed = 0;
  for (const name of await readdir(fsPath(dir))) {
    if (!isLeftoverTemp(name)) continue;
    const path = join(dir, name);
    const st = await lstat(fsPath(path)).catch(() => null);
    if (!st?.isFile() || st.mtimeMs >= modifiedBefore) continue;
    await unlink(fsPath(path)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    removed++;
  }
  return removed;
}

/** root/rel when every step is a real folder (no symlink); null otherwise. */
async function realDir(root: string, rel: string): Promise<string | null> {
  let dir = root;
  for (const seg of rel === '' ? [] : rel.split('/')) {
    dir = join(dir, seg);
    const st = await lstat(fsPath(dir)).catch(() => null);
    if (!st || st.isSymbolicLink() || !st.isDirectory()) return null;
  }
  return dir;
}
