import { walkRoots } from '../manifest/reachable.ts';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../ports/store-errors.ts';
import { bufferBody } from '../store/body.ts';
import { sha256Base64 } from '../store/body-digest.ts';
import type { Chunk, StoredObject } from '../manifest/schema.ts';
import { SealedObjects } from '../objects/sealed-objects.ts';
import { CHUNKING, HEAD, SSE_C, objectRef, type ObjectRef } from '../objects/object-ref.ts';
import { ConcurrentWriterError, type Tree } from '../manifest/manifest-store.ts';
import { FileJournal } from '../journal/file-journal.ts';
import { loadIndex, saveIndex } from '../sync/local-index.ts';
import { messageKeyVersions } from './edk-versions.ts';
import type { LocalVault } from './local-vault.ts';
import { withFields } from '../manifest/entry-copy.ts';
import { newObjectId } from '../objects/object-id.ts';
import { messageOf, resealChunkPack, type PackMessage } from './rewrap-chunk-pack.ts';

export interface RewrapProgress {
  done: number;
  total: number;
  rewrapped: number;
  skipped: number;
}

export interface RewrapOptions {
  /** Must be the key's current version (the only one that wraps); default: the current version. */
  toVersion?: number;
  onProgress?: (p: RewrapProgress) => void;
  /** Objects re-sealed at once (each is held in memory: at most 64 MiB of ciphertext). Default 4. */
  concurrency?: number;
}

export interface RewrapReport {
  toVersion: number;
  /** Objects re-sealed under `toVersion` by this run. */
  objects: number;
  /** Objects already under `toVersion`, or done by an earlier, interrupted run. */
  skipped: number;
  /** The root committed with the updated keyVersion fields; null when nothing needed one. */
  rootId: string | null;
}

const PROGRESS_FILE = 'rewrap-progress.jsonl';
const COMMIT_TRIES = 3;

interface Counts {
  rewrapped: number;
  /**
   * Records of what was stored again, for the new root's segments; null for objects an earlier,
   * interrupted run re-sealed (their old records no longer hold, their new ones are unknown).
   */
  stored: Map<string, StoredObject | null>;
  /** Every object key looked at, across commit retries. */
  seen: Set<string>;
  /** Removed by retention while we worked. */
  gone: number;
  /** Chunk messages moved to a new chunk pack (rewrap-chunk-pack.ts), by `<old pack>:<old offset>`. */
  moved: Map<string, { object: string; offset: number; sealed: number }>;
}

/** One object to look at: its ref, and the store it lives in (the SSE-C key is in the bootstrap store). */
interface Target {
  key: string;
  ref: ObjectRef;
  objects: SealedObjects;
  /** A chunk pack (format 4): the messages any kept root names in it, by offset. */
  messages?: Map<number, PackMessage>;
}

/**
 * Re-seals every object whose data key is wrapped under an older vault-key version, so that it is
 * wrapped under the newest one. The Encryption SDK header authenticates its EDKs, so an EDK cannot be
 * swapped in place: each object is downloaded, opened, sealed again under the same object id and
 * context, and put back over itself. Contents, ids and the manifest's meaning do not change; readers on
 * other devices see either copy, and both open.
 *
 * Resumable: the keys of finished objects are appended to a file in the vault's state folder, so a
 * second run after an interruption skips them; an object already under the target version is skipped
 * too (its header says so). Finally a new root is committed whose file entries carry the new
 * keyVersion (older roots keep the numbers they were written with: they are history).
 */
export async function rewrapVault(vault: LocalVault, opts: RewrapOptions = {}): Promise<RewrapReport> {
  const status = await vault.key.status();
  if (status.provider === 'aws-kms') {
    throw new Error(`${vault.key.ref} is an AWS KMS key: KMS keeps every rotated backing key and unwraps with the right one itself, so there is nothing to rewrap`);
  }
  const current = await vault.key.currentVersion();
  const toVersion = opts.toVersion ?? current;
  if (!Number.isInteger(toVersion) || toVersion < 1) throw new Error(`--to takes a key version number, got ${String(opts.toVersion)}`);
  if (toVersion !== current) {
    throw new Error(`only the current key version (${current}) wraps new data keys; rewrap --to ${current}, or rotate first`);
  }
  if (!vault.settings) throw new Error('rewrap runs on a device that syncs this vault (coffer init or restore it here first)');
  // The journal's lock is the one-writer lock: no sync of this vault on this machine while we rewrap.
  const journal = await FileJournal.open(vault.paths.dir);
  try {
    const progressPath = join(vault.paths.dir, PROGRESS_FILE);
    const done = await loadProgress(progressPath, toVersion);
    const counts: Counts = { rewrapped: 0, stored: new Map(), seen: new Set(), gone: 0, moved: new Map() };
    let rootId: string | null = null;
    for (let attempt = 1; ; attempt++) {
      const headRes = await vault.manifest.readHead();
      const targets = await collectTargets(vault, headRes?.head.rootId ?? null);
      await rewrapAll(vault, targets, done, progressPath, toVersion, counts, opts);
      if (!headRes) break;
      try {
        rootId = await commitRewrapped(vault, headRes, toVersion, counts.stored, counts.moved);
        break;
      } catch (err) {
        // Another device committed meanwhile: its new objects need a look too, then try again.
        if (!(err instanceof ConcurrentWriterError) || attempt >= COMMIT_TRIES) throw err;
      }
    }
    await rm(progressPath, { force: true });
    await vault.key.flushAudit();
    await vault.audit.append({
      op: 'rewrap', key: vault.key.ref, version: toVersion,
      detail: `${counts.rewrapped} objects re-sealed under version ${toVersion}, ${counts.seen.size - counts.rewrapped - counts.gone} already there`,
    });
    return { toVersion, objects: counts.rewrapped, skipped: counts.seen.size - counts.rewrapped - counts.gone, rootId };
  } finally {
    await journal.close();
  }
}

/** Every object reachable from any root retention keeps (history included), and the SSE-C and chunking key slots. */
async function collectTargets(vault: LocalVault, headRootId: string | null): Promise<Target[]> {
  const data = dataObjects(vault);
  const out = new Map<string, Target>();
  const add = (ref: ObjectRef, objects: SealedObjects): Target => {
    const key = objects.keyOf(ref);
    let t = out.get(key);
    if (!t) out.set(key, (t = { key, ref, objects }));
    return t;
  };
  if (headRootId) {
    for await (const r of walkRoots(vault.manifest, vault.manifest.roots(headRootId))) {
      if (r.kind === 'root' || r.kind === 'manifest') add(objectRef(r.kind, r.id), data);
      else {
        for (const c of r.entry.chunks ?? []) {
          if (c.kind !== 'chunk') {
            add(objectRef(c.kind, c.object), data);
            continue;
          }
          // A chunk pack is no single message: each message a root names is re-sealed on its own.
          const t = add(objectRef('pack', c.object), data);
          (t.messages ??= new Map()).set(c.offset, messageOf(c));
        }
      }
    }
  }
  const slots = new SealedObjects({ store: vault.slots, sealer: vault.sealer, vaultId: vault.vaultId });
  if (await slots.head(SSE_C)) add(SSE_C, slots);
  if (await slots.head(CHUNKING)) add(CHUNKING, slots);
  return [...out.values()];
}

async function rewrapAll(
  vault: LocalVault, targets: Target[], done: Set<string>, progressPath: string, toVersion: number,
  counts: Counts, opts: RewrapOptions,
): Promise<void> {
  for (const t of targets) counts.seen.add(t.key);
  const todo = targets.filter((t) => !done.has(t.key));
  for (const t of targets) {
    if (done.has(t.key) && !counts.stored.has(t.ref.id)) counts.stored.set(t.ref.id, null);
  }
  const total = targets.length;
  let finished = total - todo.length;
  const report = () => opts.onProgress?.({ done: finished, total, rewrapped: counts.rewrapped, skipped: finished - counts.rewrapped });
  report();
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const t = todo[next++]!;
      let bytes: Buffer;
      try {
        bytes = await t.objects.fetchSealed(t.ref);
      } catch (err) {
        // Retention removed it since we listed: nothing left to protect.
        if (err instanceof NotFoundError) {
          counts.gone++;
          finished++;
          continue;
        }
        throw err;
      }
      const finishedHere = t.messages ? await rewrapChunkPack(vault, t, bytes, toVersion, counts) : await rewrapMessage(t, bytes, toVersion, counts);
      if (!finishedHere) {
        // Moved to a new pack: not marked done, so an interrupted run does it again (the pack it made is left to the prune).
        finished++;
        report();
        continue;
      }
      done.add(t.key);
      // No fsync: a lost line only means the object is looked at again, and then skipped by its header.
      await appendFile(progressPath, `${t.key}\n`, { mode: 0o600 });
      finished++;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
}

/** Re-seals an object that is one message, over itself, unless it is under `toVersion` already. Always finishes it. */
async function rewrapMessage(t: Target, bytes: Buffer, toVersion: number, counts: Counts): Promise<true> {
  const versions = messageKeyVersions(bytes);
  if (versions.length === 0 || versions.some((v) => v !== toVersion)) {
    // Same ref, so the same key and context: only the data key's wrapping changes.
    const sealed = await t.objects.sealBytes(t.ref, await t.objects.openBytes(t.ref, bytes));
    const sha256 = sha256Base64(sealed);
    const res = await t.objects.replace(t.ref, bufferBody(sealed), { checksumSha256: sha256 });
    counts.stored.set(t.ref.id, { size: sealed.byteLength, sha256, ...(res.md5Etag ? { etag: res.etag } : {}) });
    counts.rewrapped++;
  }
  return true;
}

/**
 * Re-seals a chunk pack's named messages (rewrap-chunk-pack.ts): put back over itself when every message
 * kept its length; otherwise stored as a new pack, whose places `counts.moved` gives to the head's tree.
 * Returns whether the pack itself is finished (false: its messages were moved, see the caller).
 */
async function rewrapChunkPack(vault: LocalVault, t: Target, bytes: Buffer, toVersion: number, counts: Counts): Promise<boolean> {
  const resealed = await resealChunkPack(t.objects, bytes, t.messages!.values(), toVersion);
  if (!resealed) return true;
  const sha256 = sha256Base64(resealed.body);
  counts.rewrapped++;
  if (resealed.kind === 'in place') {
    const res = await t.objects.replace(t.ref, bufferBody(resealed.body), { checksumSha256: sha256 });
    counts.stored.set(t.ref.id, { size: resealed.body.byteLength, sha256, ...(res.md5Etag ? { etag: res.etag } : {}) });
    return true;
  }
  let id = newObjectId(vault.random);
  while ((await t.objects.putNew(objectRef('pack', id), bufferBody(resealed.body), { checksumSha256: sha256 })).outcome === 'taken') id = newObjectId(vault.random);
  counts.stored.set(id, { size: resealed.body.byteLength, sha256 });
  for (const [from, to] of resealed.moved) counts.moved.set(`${t.ref.id}:${from}`, { object: id, ...to });
  return false;
}

/** A new root whose file entries name the target version, and a head moved to it (sealed under it). */
async function commitRewrapped(
  vault: LocalVault, headRes: NonNullable<Awaited<ReturnType<LocalVault['manifest']['readHead']>>>, toVersion: number,
  stored: ReadonlyMap<string, StoredObject | null>, moved: Counts['moved'],
): Promise<string | null> {
  const base = await vault.manifest.readRoot(headRes.head.rootId);
  const tree: Tree = await vault.manifest.readTree(base);
  let changed = false;
  const place = (c: Chunk): Chunk => {
    const to = c.kind === 'chunk' ? moved.get(`${c.object}:${c.offset}`) : undefined;
    return to ? { object: to.object, kind: 'chunk', offset: to.offset, length: c.length, id: c.id, sealed: to.sealed, message: c.message } : c;
  };
  for (const [path, e] of tree) {
    if (e.type !== 'file') continue;
    const chunks = moved.size && e.chunks ? e.chunks.map(place) : e.chunks;
    const remapped = chunks !== e.chunks && chunks!.some((c, i) => c !== e.chunks![i]);
    if (e.keyVersion !== toVersion || remapped) {
      tree.set(path, withFields(e, { keyVersion: toVersion, ...(remapped ? { chunks } : {}) }));
      changed = true;
    }
  }
  const headVersions = messageKeyVersions(await dataObjects(vault).fetchSealed(HEAD));
  if (!changed && headVersions.every((v) => v === toVersion)) return null;
  const index = await loadIndex(vault.paths.index);
  const seq = index.deviceSeq + 1;
  const time = new Date(vault.clock.now()).toISOString();
  const root = changed ? await vault.manifest.writeRoot(tree, base, { device: vault.settings.deviceId, seq, time }, stored) : base;
  const generation = headRes.head.generation + 1;
  const { etag } = await vault.manifest.commitHead(root, headRes.etag, generation, time);
  await saveIndex(vault.paths.index, {
    ...index, rootId: root.rootId, etag, generation, deviceSeq: changed ? seq : index.deviceSeq,
  });
  return changed ? root.rootId : null;
}

function dataObjects(vault: LocalVault): SealedObjects {
  return new SealedObjects({ store: vault.store, sealer: vault.sealer, vaultId: vault.vaultId });
}

async function loadProgress(path: string, toVersion: number): Promise<Set<string>> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const [first, ...rest] = text.split('\n').filter((l) => l.length > 0);
  if (first === `to v${toVersion}`) return new Set(rest);
  // Missing, or an earlier run aimed at another version: start afresh.
  await rm(path, { force: true });
  await appendFile(path, `to v${toVersion}\n`, { mode: 0o600 });
  return new Set();
}
