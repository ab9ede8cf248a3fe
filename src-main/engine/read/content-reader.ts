import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from '../ports/blob-store.ts';
import type { Sealer } from '../ports/sealer.ts';
import { OpenError } from '../ports/sealer.ts';
import type { Chunk, FileEntry } from '../manifest/schema.ts';
import { readAll } from '../store/body.ts';
import { SealedObjects } from '../objects/sealed-objects.ts';
import { objectRef } from '../objects/object-ref.ts';

/**
 * Reads a file's content back out of the vault, authenticating every object and checking the manifest's
 * plaintext hash at the end: the stream errors instead of ending cleanly if anything does not match, so a
 * caller that renames only after a clean end never publishes bad bytes.
 */
export class ContentReader {
  /** Packs hold many small files; restore and verify visit them in object order, so one is enough. */
  private lastPack: { id: string; data: Promise<Buffer> } | null = null;
  private readonly objects: SealedObjects;

  constructor(deps: { store: BlobStore; sealer: Sealer; vaultId: string }) {
    this.objects = new SealedObjects(deps);
  }

  fileContent(entry: FileEntry): Readable {
    const chunks = entry.chunks ?? [];
    const expected = entry.hash;
    const hasher = createHash('sha256');
    const chunkContent = (c: Chunk) => this.chunkContent(c);
    let size = 0;
    async function* generate(): AsyncGenerator<Buffer> {
      for (const c of chunks) {
        for await (const part of chunkContent(c)) {
          hasher.update(part);
          size += part.length;
          yield part;
        }
      }
      if (size !== entry.size || (expected && hasher.digest('hex') !== expected)) {
        throw new OpenError(`${entry.path}: content does not match the manifest (wrong size or hash)`);
      }
    }
    return Readable.from(generate(), { objectMode: false });
  }

  private async *chunkContent(c: Chunk): AsyncGenerator<Buffer> {
    if (c.kind === 'data' || c.kind === 'chunk') {
      // A file range or chunk stored as its own object, or a chunk's own message in a chunk pack (one
      // Range GET, never the pack's other chunks): stream it, memory stays flat for any size. A padded
      // object (docs/FORMAT.md §Padding) holds zeros after the bytes the manifest names.
      const plain = c.kind === 'chunk' ? await this.packedMessage(c) : await this.objects.fetch(objectRef('data', c.object));
      let got = 0;
      try {
        for await (const part of plain as AsyncIterable<Buffer>) {
          const keep = Math.max(0, Math.min(part.length, c.length - got));
          if (keep < part.length && part.subarray(keep).some((b) => b !== 0)) {
            throw new OpenError(`object ${c.object} holds more than the ${c.length} bytes the manifest says`);
          }
          got += part.length;
          if (keep > 0) yield keep === part.length ? part : part.subarray(0, keep);
        }
      } catch (err) {
        throw c.kind === 'chunk' ? namingThePack(err, c) : err;
      }
      if (got < c.length) throw new OpenError(`object ${c.object} holds ${got} bytes, the manifest says ${c.length}`);
      return;
    }
    const pack = await this.pack(c.object);
    if (c.offset + c.length > pack.length) throw new OpenError(`object ${c.object} is shorter than the manifest says`);
    yield pack.subarray(c.offset, c.offset + c.length);
  }

  /**
   * A chunk's message, cut out of its chunk pack with a Range GET and opened as the 'data' object its
   * context names: a pack's bytes cannot stand in for another chunk's (other id), and a range that is
   * not exactly one message fails to open.
   */
  private async packedMessage(c: Chunk): Promise<Readable> {
    return this.objects.fetchPart(objectRef('pack', c.object), { start: c.offset, end: c.offset + c.sealed! - 1 }, objectRef('data', c.message!));
  }

  private pack(id: string): Promise<Buffer> {
    if (this.lastPack?.id !== id) {
      const data = (async () => {
        // Streamed through the sealer, not read whole first: a copy with bytes appended is refused at the
        // end of its message instead of downloaded in full.
        return readAll(await this.objects.fetch(objectRef('pack', id)));
      })();
      const entry = { id, data };
      // A failed fetch is never kept: the next file of this pack asks the store again.
      data.catch(() => {
        if (this.lastPack === entry) this.lastPack = null;
      });
      this.lastPack = entry;
    }
    return this.lastPack.data;
  }
}

/**
 * The sealer names the message's own id, which is no key in the bucket: a person looking for what is
 * damaged is pointed at the chunk pack that holds it instead (as verify does).
 */
function namingThePack(err: unknown, c: Chunk): unknown {
  const own = `object ${c.message!}`;
  if (!(err instanceof OpenError) || !err.message.startsWith(own)) return err;
  const rest = err.message.slice(own.length).replace(/^ \(data\)/, '');
  return new OpenError(`object ${c.object} (chunk)${rest}`, { cause: err });
}
