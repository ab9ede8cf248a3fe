import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Hash } from 'node:crypto';
import type { BlobStore } from '../ports/blob-store.ts';
import type { Journal, JournalRecord } from '../ports/journal.ts';
import type { Sealer } from '../ports/sealer.ts';
import { bufferBody, fileBody } from '../store/body.ts';
import { objectKey } from '../manifest/layout.ts';

type IntentFiles = Extract<JournalRecord, { type: 'intent' }>['files'];

/**
 * Seals objects and stores them, journaling intent before and 'uploaded' after, so a restarted pass
 * can reuse what was stored and resume what was half stored (FORMAT.md §Write ordering, step 1).
 */
export class ObjectWriter {
  constructor(
    private readonly deps: { store: BlobStore; sealer: Sealer; journal: Journal; vaultId: string; spoolDir: string },
  ) {}

  /** A pack of small files, sealed in memory. Returns the ciphertext size. */
  async writePack(objectId: string, plaintext: Buffer, files: IntentFiles): Promise<number> {
    const { journal, sealer, store, vaultId } = this.deps;
    await journal.append({ type: 'intent', objectId, kind: 'pack', files });
    const sealed = await sealer.sealBytes(plaintext, { vaultId, objectId, kind: 'pack' });
    await store.put(objectKey(objectId), bufferBody(sealed), this.createOnly());
    await journal.append({ type: 'uploaded', objectId, size: sealed.byteLength });
    return sealed.byteLength;
  }

  /**
   * One byte range of a file, sealed to a spool file first: the spooled ciphertext is what a resumed
   * multipart upload needs, since sealing again would give different bytes. `hasher` sees the plaintext.
   */
  async writeFileRange(
    objectId: string,
    abs: string,
    range: { offset: number; length: number },
    files: IntentFiles,
    hasher: Hash,
  ): Promise<number> {
    const { journal, sealer, vaultId, spoolDir } = this.deps;
    await mkdir(spoolDir, { recursive: true });
    const spool = join(spoolDir, objectId);
    await journal.append({ type: 'intent', objectId, kind: 'data', files, spool });
    const source = range.length === 0
      ? Readable.from([])
      : createReadStream(abs, { start: range.offset, end: range.offset + range.length - 1, highWaterMark: 1024 * 1024 });
    const tap = new Transform({
      transform(chunk: Buffer, _e, cb) {
        hasher.update(chunk);
        cb(null, chunk);
      },
    });
    const sealed = sealer.seal(tap, { vaultId, objectId, kind: 'data' });
    // Sealed under a temporary name: a spool file under its final name is always complete, which is
    // what lets a restarted pass trust it (resume-map.ts).
    const partial = `${spool}.partial`;
    const out = createWriteStream(partial, { mode: 0o600, flush: true });
    await Promise.all([pipeline(source, tap), pipeline(sealed, out)]);
    await rename(partial, spool);
    return this.uploadSpool(objectId, spool);
  }

  /** Stores a spooled object, resuming its multipart upload from the journal's checkpoint if any. */
  async uploadSpool(objectId: string, spool: string): Promise<number> {
    const { journal, store } = this.deps;
    const { size } = await stat(spool);
    await store.put(objectKey(objectId), fileBody(spool, size), { ...this.createOnly(), checkpoint: journal.checkpoints(objectId) });
    await journal.append({ type: 'uploaded', objectId, size });
    await unlink(spool).catch(() => undefined);
    return size;
  }

  private createOnly() {
    // Object ids are fresh; create-only makes a replayed put unable to replace anything.
    return this.deps.store.features.conditionalWrite ? { ifNoneMatch: '*' as const } : {};
  }
}
