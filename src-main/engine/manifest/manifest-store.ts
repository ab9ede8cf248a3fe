import type { BlobStore } from '../ports/blob-store.ts';
import type { Sealer } from '../ports/sealer.ts';
import type { RandomSource } from '../ports/clock.ts';
import { NotFoundError, PreconditionFailedError } from '../ports/store-errors.ts';
import { bufferBody, readAll } from '../store/body.ts';
import { SealedObjects } from '../objects/sealed-objects.ts';
import { HEAD, objectRef, type ObjectRef } from '../objects/object-ref.ts';
import { newObjectId } from '../objects/object-id.ts';
import { createHash } from 'node:crypto';
import { sealDoc, sealJson, readDoc, readRawDoc, parseDoc, rawDocOf } from './sealed-doc.ts';
import { HeadSchema, RootSchema, SegmentSchema, MANIFEST_FORMAT, type FileEntry, type Head, type Root, type Segment, type StoredObject } from './schema.ts';
import { shardBitsFor, splitIntoShards, digestOf } from './shards.ts';
import { ObjectCache } from './object-cache.ts';
import { fromStoredEntry, toStoredEntry } from './entry-names.ts';
import { signRoot, type RootSigner } from './root-signer.ts';

export type Tree = Map<string, FileEntry>;

/** Another device committed since we read the head: the caller re-reads and retries, never overwrites. */
export class ConcurrentWriterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentWriterError';
  }
}

/** Segments a tree read or a root write has in flight at once. */
const SEGMENT_READ_AHEAD = 8;

/** Runs the tasks, at most `limit` at a time; stops taking new ones after a failure, which it throws. */
async function runAtMost(limit: number, tasks: readonly (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < tasks.length) {
      try {
        await tasks[next++]!();
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const workers = Array.from({ length: Math.min(limit, tasks.length) }, worker);
  // Every worker settles before the failure is thrown: no write is left running behind the caller.
  const results = await Promise.allSettled(workers);
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
}

/** A segment whose entries do not match the digest its root names: the tree was tampered with or damaged. */
export class SegmentDigestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SegmentDigestError';
  }
}

/**
 * Reads and writes the sealed manifest: segments, then the root naming them, then the head naming the
 * root (FORMAT.md §Write ordering). Only the head is ever overwritten, and only with a conditional write.
 */
export class ManifestStore {
  private readonly cache: ObjectCache;
  private readonly objects: SealedObjects;
  /**
   * Set in a team vault (team/ attaches it when the vault opens): every root written is signed by this
   * member (manifest/root-signer.ts). Null in a vault of one owner: roots stay as format 1 wrote them.
   */
  signer: RootSigner | null = null;

  constructor(
    private readonly store: BlobStore,
    sealer: Sealer,
    private readonly vaultId: string,
    private readonly random: RandomSource,
    cacheDir: string | null,
  ) {
    this.cache = new ObjectCache(cacheDir);
    this.objects = new SealedObjects({ store, sealer, vaultId });
  }

  async readHead(): Promise<{ head: Head; etag: string } | null> {
    // One GET that names the version it serves (onEtag), not a HEAD then a GET: a round trip fewer on every
    // open, and the etag is that of the very bytes read, even when another device moves the head between.
    let etag = '';
    let sealed: Buffer;
    try {
      sealed = await readAll(await this.store.get(this.objects.keyOf(HEAD), { onEtag: (e) => { etag = e; } }));
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
    const plain = await this.objects.openBytes(HEAD, sealed);
    return { head: parseDoc(HEAD, rawDocOf(plain), HeadSchema), etag };
  }

  /**
   * Whether the head moved on from the version `etag` (the one this device last read or committed; null:
   * none yet). Null while it has not: one conditional request (BlobStore.getIfChanged; a HEAD when there
   * was no head yet), so polling an idle vault costs one small request. Otherwise the head now (null:
   * gone), opened and authenticated. It is not checked against what this machine saw: the pass the
   * caller runs on a change does that (plan-pass.ts, head-check.ts).
   */
  async headChanged(etag: string | null): Promise<{ current: { head: Head; etag: string } | null } | null> {
    if (etag === null) {
      const current = await this.readHead();
      return current ? { current } : null;
    }
    let changed;
    try {
      changed = await this.store.getIfChanged(this.objects.keyOf(HEAD), etag);
    } catch (err) {
      if (err instanceof NotFoundError) return { current: null };
      throw err;
    }
    if (!changed) return null;
    const plain = await this.objects.openBytes(HEAD, await readAll(changed.body));
    return { current: { head: parseDoc(HEAD, rawDocOf(plain), HeadSchema), etag: changed.etag } };
  }

  readRoot(rootId: string): Promise<Root> {
    return this.cache.get(rootId, () => readDoc(this.objects, objectRef('root', rootId), RootSchema), (raw) => RootSchema.parse(raw));
  }

  /** A segment with its entries in the engine's form (names that are not UTF-8 back to their exact bytes). */
  async readSegment(objectId: string, digest?: string): Promise<Segment> {
    const ref = objectRef('manifest', objectId);
    // The digest is over the entries as the writer serialized them, so it is checked on the bytes from the
    // bucket (the parsed form reorders keys); the local cache holds only what passed.
    const load = async () => {
      const raw = await readRawDoc(this.objects, ref) as { entries?: unknown };
      if (digest !== undefined && createHash('sha256').update(JSON.stringify(raw.entries)).digest('hex') !== digest) {
        throw new SegmentDigestError(`manifest segment ${objectId} does not match the digest its root names: the bucket's manifest was changed or damaged`);
      }
      return parseDoc(ref, raw, SegmentSchema);
    };
    const stored = await this.cache.get(objectId, load, (raw) => SegmentSchema.parse(raw));
    return stored.entries.some((e) => e.rawPath !== undefined || e.rawTarget !== undefined)
      ? { ...stored, entries: stored.entries.map(fromStoredEntry) }
      : stored;
  }

  /**
   * The root's tree. Each segment's entries are checked against the digest the root names, so a signed
   * root (team vaults) binds the whole tree, and a segment swapped for another is refused.
   */
  async readTree(root: Root): Promise<Tree> {
    const tree: Tree = new Map();
    // Segments are fetched a few at a time (one GET each: on S3 a round trip, which dominated the start
    // of a pass), and added in the root's order.
    const pending: Promise<Segment>[] = [];
    let next = 0;
    const readAhead = () => {
      while (next < root.segments.length && pending.length < SEGMENT_READ_AHEAD) {
        const seg = root.segments[next++]!;
        const read = this.readSegment(seg.object, seg.digest);
        read.catch(() => undefined); // the first failure is thrown below; the others must not go unhandled
        pending.push(read);
      }
    };
    readAhead();
    while (pending.length) {
      const s = await pending.shift()!;
      readAhead();
      for (const e of s.entries) tree.set(e.path, e);
    }
    return tree;
  }

  /**
   * Writes the segments that differ from `prev` and a new root; returns the root (not yet committed).
   * A rewritten segment records what `stored` (this pass's uploads) or the previous segments know of the
   * objects its chunks name (docs/FORMAT.md §5.2); a null in `stored` drops an earlier record.
   */
  async writeRoot(
    tree: Tree, prev: Root | null, meta: { device: string; seq: number; time: string; generation?: number },
    stored: ReadonlyMap<string, StoredObject | null> = new Map(),
  ): Promise<Root> {
    let known: Map<string, StoredObject> | null = null;
    const recordsFor = async (entries: FileEntry[]) => {
      known ??= await this.storedRecords(prev);
      const out: Record<string, StoredObject> = {};
      for (const e of entries) {
        for (const c of e.chunks ?? []) {
          // null: the object was stored again (keys rewrap) and its earlier record no longer holds.
          const rec = stored.has(c.object) ? stored.get(c.object) : known.get(c.object);
          if (rec) out[c.object] = rec;
        }
      }
      return Object.keys(out).length ? { stored: out } : {};
    };
    const bits = shardBitsFor(tree.size);
    const prevByShard = new Map(prev && prev.shardBits === bits ? prev.segments.map((s) => [s.shard, s]) : []);
    const segments: Root['segments'] = [];
    const writes: (() => Promise<void>)[] = [];
    let bytes = 0;
    let files = 0;
    for (const e of tree.values()) {
      if (e.type !== 'file') continue;
      files++;
      bytes += e.size;
    }
    for (const [shard, inEngineForm] of splitIntoShards(tree.values(), bits)) {
      const entries = inEngineForm.map(toStoredEntry);
      const digest = digestOf(entries);
      const old = prevByShard.get(shard);
      if (old && old.digest === digest) {
        segments.push(old);
        continue;
      }
      const object = newObjectId(this.random);
      const doc: Segment = { format: MANIFEST_FORMAT, vaultId: this.vaultId, shard, entries, ...(await recordsFor(entries)) };
      writes.push(() => this.putNewAndRemember(objectRef('manifest', object), doc));
      segments.push({ shard, object, count: entries.length, digest });
    }
    // Several at once: each is a PUT (a round trip on S3); the root names them only once all are stored.
    await runAtMost(SEGMENT_READ_AHEAD, writes);
    segments.sort((a, b) => a.shard - b.shard);
    const rootId = newObjectId(this.random);
    const unsigned: Root = {
      format: MANIFEST_FORMAT, vaultId: this.vaultId, rootId, parent: prev?.rootId ?? null,
      device: meta.device, seq: meta.seq, time: meta.time, shardBits: bits, segments, files, bytes,
      ...(this.signer && meta.generation !== undefined ? { generation: meta.generation } : {}),
    };
    const root = this.signer ? signRoot(unsigned, this.signer) : unsigned;
    await this.putNewAndRemember(objectRef('root', rootId), root);
    return root;
  }

  /**
   * Points the head at `root`, only if the head is still the one we read (`expectedEtag`, null = none
   * yet). Returns the new head and the etag the store gave it.
   */
  async commitHead(root: Root, expectedEtag: string | null, generation: number, time: string): Promise<{ head: Head; etag: string }> {
    const head: Head = { format: MANIFEST_FORMAT, vaultId: this.vaultId, rootId: root.rootId, generation, device: root.device, time };
    const body = bufferBody(await sealDoc(this.objects, HEAD, head));
    const cond = this.store.features.conditionalWrite
      ? expectedEtag === null ? { ifNoneMatch: '*' as const } : { ifMatch: expectedEtag }
      : {};
    let etag: string;
    try {
      // The one object ever overwritten, so not through objects.putNew: a compare-and-swap on its etag.
      ({ etag } = await this.store.put(this.objects.keyOf(HEAD), body, cond));
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      // A retried write whose first answer was lost fails its own condition: if the head is already
      // ours, the commit happened (FORMAT.md §Write ordering, create-only conflicts).
      const now = await this.readHead();
      if (now?.head.rootId === root.rootId && now.head.generation === generation) return { head: now.head, etag: now.etag };
      throw new ConcurrentWriterError('another device updated this vault while we were syncing; run sync again to include its changes');
    }
    return { head, etag };
  }

  /** The object records of a root's segments (each segment is read anyway to build the tree). */
  private async storedRecords(root: Root | null): Promise<Map<string, StoredObject>> {
    const out = new Map<string, StoredObject>();
    for (const seg of root?.segments ?? []) {
      for (const [id, rec] of Object.entries((await this.readSegment(seg.object, seg.digest)).stored ?? {})) out.set(id, rec);
    }
    return out;
  }

  /** Forgets roots and segments that retention deleted from the bucket (see ObjectCache.forget). */
  forget(objectIds: Iterable<string>): Promise<void> {
    return this.cache.forget(objectIds);
  }

  /** Roots from the head backwards, newest first, as far as retention kept them. */
  async *roots(fromRootId: string): AsyncIterable<Root> {
    let id: string | null = fromRootId;
    while (id) {
      let root: Root;
      try {
        root = await this.readRoot(id);
      } catch (err) {
        if (err instanceof NotFoundError) return; // pruned by retention
        throw err;
      }
      yield root;
      id = root.parent;
    }
  }

  /** Stores a new segment or root, then keeps it in the cache for this pass and the next (one serialization for both). */
  private async putNewAndRemember(ref: ObjectRef, doc: Segment | Root): Promise<void> {
    const json = JSON.stringify(doc);
    // An earlier try that landed unheard is adopted (SealedObjects.putNew); another object under a fresh
    // random id is a fault this pass cannot repair, and the next pass picks new ids.
    const { outcome } = await this.objects.putNew(ref, bufferBody(await sealJson(this.objects, ref, json)));
    if (outcome === 'taken') {
      throw new Error(`the bucket already holds a different object under the new manifest id ${ref.id}; run sync again`);
    }
    await this.cache.remember(ref.id, doc, json);
  }
}
