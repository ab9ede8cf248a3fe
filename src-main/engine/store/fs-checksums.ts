import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { StoreError } from '../ports/store-errors.ts';

/**
 * The folder store's own record of each object's SHA-256 (what S3 keeps as x-amz-checksum-sha256), one
 * small file per object under `.coffer-sums/`, mirroring the object's path. A record names the size and
 * mtime of the file it describes: while they match, head() reports the recorded checksum without reading
 * the object; once the file was changed behind the store's back, head() hashes it again, so the checksum
 * it reports is always the file's own and a replaced object cannot pass for the original.
 */
export class FsChecksumRecords {
  constructor(private readonly dir: string) {}

  /**
   * Throws StoreError (and the put stores nothing) when the file's bytes do not have this checksum.
   * `written`: the SHA-256 of the bytes as they were written into the file, when the writer took it.
   */
  async check(file: string, key: string, sha256: string, written?: string): Promise<void> {
    const got = written ?? await hashFile(file);
    if (got !== sha256) throw new StoreError(`refusing to store ${key}: its bytes have SHA-256 ${got}, the caller expected ${sha256}`);
  }

  /** Records `sha256` for the file as it is now (`st`); without one, forgets any earlier record. */
  async set(rel: string, st: BigIntStats | null, sha256: string | undefined): Promise<void> {
    const path = join(this.dir, rel);
    if (!st || sha256 === undefined) {
      await unlink(path).catch(() => undefined);
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify({ sha256, size: st.size.toString(), mtimeNs: st.mtimeNs.toString() }), { mode: 0o600 });
    await rename(tmp, path);
  }

  /** The object's checksum, or undefined when none was recorded. */
  async get(rel: string, file: string, st: BigIntStats): Promise<string | undefined> {
    let rec: { sha256?: unknown; size?: unknown; mtimeNs?: unknown };
    try {
      rec = JSON.parse(await readFile(join(this.dir, rel), 'utf8')) as typeof rec;
    } catch {
      return undefined;
    }
    if (typeof rec.sha256 !== 'string') return undefined;
    if (rec.size === st.size.toString() && rec.mtimeNs === st.mtimeNs.toString()) return rec.sha256;
    return hashFile(file);
  }
}

async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file) as AsyncIterable<Buffer>) h.update(c);
  return h.digest('base64');
}
