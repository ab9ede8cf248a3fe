import type { Chunk } from '../manifest/schema.ts';
import type { JournalRecord } from '../ports/journal.ts';

/** A chunk sealed as its own message, waiting in the chunk pack being filled. */
export interface SealedChunk {
  /** Its keyed id (docs/CDC.md). */
  id: string;
  /** The file it was cut from (journal intent only: names nothing in the bucket). */
  path: string;
  /** Its plaintext length (without padding). */
  length: number;
  /** The object id its message's encryption context names. */
  messageId: string;
  sealed: Uint8Array;
}

type IntentFiles = Extract<JournalRecord, { type: 'intent' }>['files'];

/**
 * Collects sealed chunk messages into chunk packs of about `targetBytes` (format 4, docs/FORMAT.md §3.4):
 * one object per ~8 MiB instead of per ~1 MiB chunk, so an eighth of the PUTs, files and fsyncs. Only
 * bookkeeping: sealing and storing are the caller's (chunked-upload.ts).
 */
export class ChunkPacker {
  private members: SealedChunk[] = [];
  private bytes = 0;

  constructor(private readonly targetBytes: number) {
    if (!Number.isInteger(targetBytes) || targetBytes < 1) throw new RangeError(`chunk pack target must be a positive integer, got ${targetBytes}`);
  }

  /** Adds a message; returns a full pack to store once the target is reached. */
  add(m: SealedChunk): SealedChunk[] | null {
    this.members.push(m);
    this.bytes += m.sealed.byteLength;
    return this.bytes >= this.targetBytes ? this.take() : null;
  }

  /** The messages collected so far (the last, partial pack), or null if none. */
  take(): SealedChunk[] | null {
    if (this.members.length === 0) return null;
    const out = this.members;
    this.members = [];
    this.bytes = 0;
    return out;
  }
}

/** Each member's place in the pack, in order: the journal intent's files (messages back to back from byte 0). */
export function packLayout(members: readonly SealedChunk[]): IntentFiles {
  let at = 0;
  return members.map((m) => {
    const f = { path: m.path, hash: m.id, offset: at, length: m.length, message: m.messageId, sealed: m.sealed.byteLength };
    at += m.sealed.byteLength;
    return f;
  });
}

/** The manifest's record of a chunk in a stored chunk pack, from its intent line (keys in the schema's order). */
export function packedChunk(packId: string, f: IntentFiles[number]): Chunk {
  if (f.message === undefined || f.sealed === undefined) throw new Error(`internal: chunk ${f.hash} of pack ${packId} has no message`);
  return { object: packId, kind: 'chunk', offset: f.offset, length: f.length, id: f.hash, sealed: f.sealed, message: f.message };
}
