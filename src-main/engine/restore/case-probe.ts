import { randomBytes } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Asks the target file system itself whether "a" and "A" are one name (macOS and Windows defaults). */
export async function isCaseInsensitive(dir: string): Promise<boolean> {
  const name = `.coffer-case-probe-${randomBytes(6).toString('hex')}`;
  await writeFile(join(dir, name), '', { flag: 'wx' });
  try {
    await stat(join(dir, name.toUpperCase()));
    return true;
  } catch {
    return false;
  } finally {
    await rm(join(dir, name), { force: true });
  }
}
