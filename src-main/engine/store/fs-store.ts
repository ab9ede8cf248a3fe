import { open, stat, mkdir, rename, unlink, link, rmdir, readdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import type {
  BlobBody, BlobInfo, BlobStore, ChangedBlob, ConditionalGetOptions, GetOptions, PutOptions, PutResult, StoreFeatures,
} from '../ports/blob-store.ts';
import {
  MissingContainerError, NotFoundError, PreconditionFailedError, StoreError, UnsupportedError,
} from '../ports/store-errors.ts';
import { fsyncDir } from '../fsx/atomic-file.ts';
import { FsKeyLock } from './fs-lock.ts';
import { FsChecksumRecords } from './fs-checksums.ts';
import { assertValidKey, assertValidRange, normalizePrefix } from './keys.ts';

const TMP = '.coffer-tmp';
const LOCKS = '.coffer-locks';
const SUMS = '.coffer-sums';
const RESERVED = [TMP, LOCKS, SUMS];
const code = (err: unknown) => (err as NodeJS.ErrnoException).code;
/** link() failures that mean "cannot link here" (another filesystem, no hard links): copy instead. */
const CANNOT_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

export interface FsStoreOptions {
  prefix?: string;
  /** Hard-link function (tests inject failures); default fs.promises.link. */
  link?: (existing: string, created: string) => Promise<void>;
}

/**
 * A local folder as a store (file:///abs/path). Each key is a file under the root; writes go to a temp
 * file, are fsync'd and renamed into place, so readers see old or new, never a part. Conditional and
 * plain writes of one key are serialised by a lock file, so ifMatch holds between processes too.
 * The etag is inode + mtime (ns) + size: stable while the file is untouched, new on every put.
 * A folder cannot hold both 'a' and 'a/b'; such a put fails with UnsupportedError.
 * A create-only put of a body that offers its file (`body.path`, a spool file) hard-links that file
 * into place instead of copying it, when it is on the same filesystem; otherwise it is copied.
 * A put with `checksumSha256` is checked against the bytes and its checksum kept in `.coffer-sums/`
 * (fs-checksums.ts), so head() reports it as S3 would, without reading the object.
 */
export class FsStore implements BlobStore {
  readonly features: StoreFeatures = { conditionalWrite: true, multipart: false };
  readonly location: string;
  private readonly base: string;
  private readonly lock: FsKeyLock;
  private readonly linkFile: (existing: string, created: string) => Promise<void>;
  private readonly sums: FsChecksumRecords;

  constructor(readonly root: string, opts: FsStoreOptions = {}) {
    if (!root.startsWith('/')) throw new UnsupportedError(`folder store root must be absolute: ${root}`);
    const prefix = normalizePrefix(opts.prefix);
    this.base = prefix ? join(root, ...prefix.split('/').filter(Boolean)) : root;
    this.location = `file://${this.base}`;
    this.lock = new FsKeyLock(join(root, LOCKS));
    this.linkFile = opts.link ?? link;
    this.sums = new FsChecksumRecords(join(root, SUMS));
  }

  async put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<PutResult> {
    const dest = this.pathOf(key);
    opts.signal?.throwIfAborted();
    if (opts.objectLock) throw new UnsupportedError(`${this.location} cannot lock objects (S3 Object Lock only)`);
    await this.requireRoot();
    await mkdir(join(this.root, TMP), { recursive: true });
    const tmp = join(this.root, TMP, randomBytes(12).toString('hex'));
    try {
      // Only create-only puts link: a key's etag (inode + mtime + size) must change on every put, and a
      // file linked twice to one key would keep it.
      const linked = opts.ifNoneMatch === '*' && body.path !== undefined && (await this.linkBody(body.path, tmp, body.size));
      // A spooled body is hashed as it is written (no second read); a linked file is read once more.
      const written = linked ? undefined : await this.spool(tmp, body, opts.signal);
      if (opts.checksumSha256 !== undefined) await this.sums.check(tmp, key, opts.checksumSha256, written);
      return await this.lock.with(key, async () => {
        const cur = await statOrNull(dest);
        if (opts.ifNoneMatch === '*' && cur) throw new PreconditionFailedError(`${key} already exists`);
        if (opts.ifMatch !== undefined && (!cur || etagOf(cur) !== opts.ifMatch)) {
          throw new PreconditionFailedError(`${key} is not at version ${opts.ifMatch}`);
        }
        await this.place(key, tmp, dest, opts.ifNoneMatch === '*');
        const st = await stat(dest, { bigint: true });
        // After the object: a crash in between leaves an object without a record (reported unchecked),
        // never a record that vouches for other bytes.
        await this.sums.set(this.sumKey(dest), st, opts.checksumSha256);
        return { etag: etagOf(st) };
      });
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async get(key: string, opts: GetOptions = {}): Promise<Readable> {
    assertValidRange(opts.range);
    const { fh, st } = await this.openFile(key);
    // The etag of the open file: a put replaces the file by rename, so this handle keeps reading it.
    const etag = etagOf(st);
    if (opts.ifMatch !== undefined && etag !== opts.ifMatch) {
      await fh.close();
      throw new PreconditionFailedError(`${key} in ${this.location} is no longer the version ${opts.ifMatch}`);
    }
    const size = Number(st.size);
    const start = opts.range?.start ?? 0;
    const end = Math.min(opts.range?.end ?? size - 1, size - 1);
    if (opts.range && start >= size) {
      await fh.close();
      throw new StoreError(`range ${start}-${opts.range.end} starts past the end of ${key} (${size} bytes)`);
    }
    opts.onEtag?.(etag);
    if (size === 0) {
      await fh.close();
      return Readable.from([]);
    }
    return fh.createReadStream({ start, end, signal: opts.signal });
  }

  /** The etag of the open file decides, so the bytes served are the version whose etag is returned. */
  async getIfChanged(key: string, etag: string, opts: ConditionalGetOptions = {}): Promise<ChangedBlob | null> {
    opts.signal?.throwIfAborted();
    const { fh, st } = await this.openFile(key);
    const current = etagOf(st);
    if (current === etag) {
      await fh.close();
      return null;
    }
    if (st.size === 0n) {
      await fh.close();
      return { body: Readable.from([]), etag: current };
    }
    return { body: fh.createReadStream({ signal: opts.signal }), etag: current };
  }

  /** The object's file, open, with its stat (a folder under the key is no object). */
  private async openFile(key: string): Promise<{ fh: FileHandle; st: BigIntStats }> {
    let fh: FileHandle;
    try {
      fh = await open(this.pathOf(key), 'r');
    } catch (err) {
      throw await this.missing(err, key);
    }
    const st = await fh.stat({ bigint: true });
    if (st.isDirectory()) {
      await fh.close();
      throw new NotFoundError(`${key} not found in ${this.location}`);
    }
    return { fh, st };
  }

  async head(key: string): Promise<BlobInfo | null> {
    const st = await statOrNull(this.pathOf(key));
    if (!st || !st.isFile()) {
      await this.requireRoot();
      return null;
    }
    const path = this.pathOf(key);
    const checksumSha256 = await this.sums.get(this.sumKey(path), path, st);
    return { ...infoOf(key, st), ...(checksumSha256 ? { checksumSha256 } : {}) };
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    const cut = prefix.lastIndexOf('/');
    const dirKey = cut < 0 ? '' : prefix.slice(0, cut);
    if (dirKey) assertValidKey(dirKey);
    await this.requireRoot();
    yield* this.walk(dirKey ? join(this.base, ...dirKey.split('/')) : this.base, dirKey, prefix);
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await this.requireRoot();
    await this.lock.with(key, async () => {
      try {
        await unlink(path);
      } catch (err) {
        if (['ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM'].includes(code(err) ?? '')) return;
        throw err;
      }
      await fsyncDir(dirname(path));
      await this.sums.set(this.sumKey(path), null, undefined);
    });
    // Prune now-empty folders so the tree does not grow without bound; a racing put recreates them.
    for (let dir = dirname(path); dir.length > this.base.length; dir = dirname(dir)) {
      if (!(await rmdir(dir).then(() => true, () => false))) break;
    }
  }

  private async *walk(dir: string, rel: string, prefix: string): AsyncIterable<BlobInfo> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (['ENOENT', 'ENOTDIR'].includes(code(err) ?? '')) return;
      throw err;
    }
    for (const e of entries) {
      if (dir === this.root && RESERVED.includes(e.name)) continue;
      const key = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.walk(join(dir, e.name), key, prefix);
      } else if (e.isFile() && key.startsWith(prefix)) {
        const st = await statOrNull(join(dir, e.name));
        if (st) yield infoOf(key, st);
      }
    }
  }

  /** Writes the body to `tmp` and makes it durable; returns the SHA-256 (base64) of the bytes written. */
  private async spool(tmp: string, body: BlobBody, signal?: AbortSignal): Promise<string> {
    const fh = await open(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    let n = 0;
    try {
      for await (const chunk of body.open(0) as AsyncIterable<Buffer>) {
        signal?.throwIfAborted();
        hash.update(chunk);
        await fh.write(chunk);
        n += chunk.length;
      }
      if (n !== body.size) throw new StoreError(`body yielded ${n} bytes, declared ${body.size}`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return hash.digest('base64');
  }

  /**
   * Gives a body's file a second name at `tmp` (no copy). False when this filesystem cannot, so the caller
   * copies. link() takes the file as it is, so check it holds the declared size and that its bytes are on
   * disk before the object becomes visible (fsync of a file the writer already flushed costs nothing).
   */
  private async linkBody(path: string, tmp: string, size: number): Promise<boolean> {
    try {
      await this.linkFile(path, tmp);
    } catch (err) {
      if (CANNOT_LINK.has(code(err) ?? '')) return false;
      throw err;
    }
    const fh = await open(tmp, 'r');
    try {
      const st = await fh.stat();
      if (!st.isFile() || st.size !== size) throw new StoreError(`body file ${path} holds ${st.size} bytes, declared ${size}`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  }

  /** Moves the temp file into place; retries when a concurrent delete pruned the parent folder. */
  private async place(key: string, tmp: string, dest: string, exclusive: boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(dirname(dest), { recursive: true });
        // link() fails with EEXIST atomically, even against a writer that ignores our lock files.
        if (exclusive) await link(tmp, dest);
        else await rename(tmp, dest);
        await fsyncDir(dirname(dest));
        return;
      } catch (err) {
        const c = code(err);
        if (c === 'EEXIST' && exclusive) throw new PreconditionFailedError(`${key} already exists`);
        if (c === 'ENOTDIR' || c === 'EEXIST' || c === 'EISDIR') {
          throw new UnsupportedError(`${key} collides with another key in ${this.location}: a folder cannot hold both 'a' and 'a/b'`, { cause: err });
        }
        if (c !== 'ENOENT' || attempt >= 5) throw err;
      }
    }
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    if (this.base === this.root && RESERVED.some((r) => key === r || key.startsWith(`${r}/`))) {
      throw new StoreError(`invalid store key ${JSON.stringify(key)}: reserved by the folder store`);
    }
    return join(this.base, ...key.split('/'));
  }

  /** Where an object's checksum record lives, relative to the records folder (prefix included). */
  private sumKey(path: string): string {
    return relative(this.root, path);
  }

  private async requireRoot(): Promise<void> {
    const st = await stat(this.root).catch(() => null);
    if (!st?.isDirectory()) throw new MissingContainerError(`destination folder ${this.root} does not exist`);
  }

  private async missing(err: unknown, key: string): Promise<Error> {
    if (!['ENOENT', 'ENOTDIR', 'EISDIR'].includes(code(err) ?? '')) return err as Error;
    await this.requireRoot();
    return new NotFoundError(`${key} not found in ${this.location}`, { cause: err });
  }
}

async function statOrNull(path: string): Promise<BigIntStats | null> {
  try {
    return await stat(path, { bigint: true });
  } catch (err) {
    if (['ENOENT', 'ENOTDIR'].includes(code(err) ?? '')) return null;
    throw err;
  }
}

function etagOf(st: BigIntStats): string {
  return `"${st.ino.toString(16)}-${st.mtimeNs.toString(16)}-${st.size.toString(16)}"`;
}

function infoOf(key: string, st: BigIntStats): BlobInfo {
  return { key, size: Number(st.size), etag: etagOf(st), lastModified: new Date(Number(st.mtimeMs)) };
}
