import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fsx/atomic-file.ts';

/**
 * Roots and segments are immutable once written (fresh random ids), so their opened form can be cached
 * in the local state dir forever. The cache holds names, like the watched folder itself; it never leaves
 * this machine.
 *
 * A cache file is the SHA-256 (hex) of its JSON, a newline, then the JSON of a value that passed the
 * schema when it was read from the bucket. A file whose digest matches is returned without the schema:
 * parsing a tree of 5,000 entries with it cost 80-100 ms of every pass that was not a no-change one (zod,
 * cold in a new process), and the digest already tells a damaged file from the one written. The schema
 * guards what comes from the bucket; a file of the older layout (JSON alone) still goes through it.
 */
export class ObjectCache {
  private readonly mem = new Map<string, unknown>();
  constructor(private readonly dir: string | null) {}

  /** Drops objects deleted from the bucket, so a cached copy cannot outlive them. */
  async forget(ids: Iterable<string>): Promise<void> {
    for (const id of ids) {
      this.mem.delete(id);
      if (this.dir) await rm(this.fileOf(id), { force: true });
    }
  }

  /**
   * Holds an object this process just stored (`value` as a read of it would return it), in memory and in
   * the cache folder. In memory: the prune after a pass then walks the tree it committed without opening
   * and parsing it again (a cold pass of 100,000 files: 32 segments, 70 MB of heap for a second copy of
   * the tree). On disk: the next pass reads the segments this one changed from here instead of fetching,
   * opening and parsing them (90-120 ms of every small-change pass of the bench's mix). Call it only once
   * the store has acknowledged the object, so the cache never holds what the bucket does not. `json`: the
   * value's JSON, when the caller has made it already.
   */
  async remember(id: string, value: unknown, json = JSON.stringify(value)): Promise<void> {
    this.keep(id, value);
    // Best effort: the object is in the bucket, and a read fetches it again when the file is missing.
    if (this.dir) await this.saveFile(id, json).catch(() => undefined);
  }

  async get<T>(id: string, load: () => Promise<T>, parse: (raw: unknown) => T): Promise<T> {
    if (this.mem.has(id)) return this.mem.get(id) as T;
    let value: T | undefined;
    if (this.dir) {
      try {
        const text = await readFile(this.fileOf(id), 'utf8');
        value = fromCacheFile(text, parse);
        // The older layout passed the schema: rewrite it with its digest, so the next pass skips the schema.
        if (value !== undefined && !DIGESTED.test(text)) await this.saveFile(id, JSON.stringify(value)).catch(() => undefined);
      } catch {
        value = undefined; // absent or damaged cache: fetch again
      }
    }
    if (value === undefined) {
      value = await load();
      if (this.dir) await this.saveFile(id, JSON.stringify(value)).catch(() => undefined);
    }
    this.keep(id, value);
    return value;
  }

  /**
   * Without fsync: a file a crash tore or emptied fails its digest (or its JSON) and is fetched again.
   * The digest and the JSON go as two parts rather than one joined string: a cold pass of 100,000 files
   * saves 32 segments of ~1.5 MB.
   */
  private saveFile(id: string, json: string): Promise<void> {
    return writeFileAtomic(this.fileOf(id), [`${sha256Hex(json)}\n`, json], { durable: false });
  }

  private fileOf(id: string): string {
    return join(this.dir!, `${id}.json`);
  }

  private keep(id: string, value: unknown): void {
    if (this.mem.size > 512) this.mem.clear();
    this.mem.set(id, value);
  }
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const DIGESTED = /^[0-9a-f]{64}\n/;

/** The cached value; undefined when the file is damaged (its digest does not match). */
function fromCacheFile<T>(text: string, parse: (raw: unknown) => T): T | undefined {
  if (!DIGESTED.test(text)) return parse(JSON.parse(text));
  const json = text.slice(65);
  return sha256Hex(json) === text.slice(0, 64) ? JSON.parse(json) as T : undefined;
}
