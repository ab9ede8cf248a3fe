import { z } from 'zod';
import type { JournalRecord } from '../ports/journal.ts';
import type { UploadCheckpoint } from '../ports/blob-store.ts';

export const JOURNAL_FORMAT = 'coffer-journal';
export const JOURNAL_VERSION = 1;

export const headerSchema = z.object({ format: z.string(), version: z.number() });

const nonEmpty = z.string().min(1);
const count = z.number().int().nonnegative();

const recordSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('intent'),
    objectId: nonEmpty,
    kind: z.enum(['data', 'pack', 'chunks']),
    files: z.array(z.object({
      path: z.string(), hash: z.string(), offset: count, length: count, message: z.string().optional(), sealed: count.optional(),
    })),
    spool: z.string().optional(),
    chunk: z.literal(true).optional(),
  }),
  z.object({ type: z.literal('uploaded'), objectId: nonEmpty, size: count }),
  z.object({ type: z.literal('committed'), rootId: nonEmpty, seq: count }),
  z.object({ type: z.literal('abandoned'), objectId: nonEmpty, reason: z.string() }),
]);

const checkpointSchema = z.object({
  uploadId: nonEmpty,
  partSize: z.number().int().positive(),
  parts: z.array(z.object({ partNumber: z.number().int().positive(), etag: z.string() })),
});

/** Multipart progress lives in the same file, in its own line type, so pending() never shows it. */
const checkpointLineSchema = z.object({
  type: z.literal('checkpoint'),
  objectId: nonEmpty,
  cp: checkpointSchema.nullable(),
});

export type CheckpointLine = { type: 'checkpoint'; objectId: string; cp: UploadCheckpoint | null };
export type JournalLine = JournalRecord | CheckpointLine;

const lineSchema = z.union([recordSchema, checkpointLineSchema]);

/** Validates a record given by a caller; the error names the field that is wrong. */
export function checkRecord(record: unknown): JournalRecord {
  const r = recordSchema.safeParse(record);
  if (!r.success) throw new TypeError(`invalid journal record: ${z.prettifyError(r.error)}`);
  return r.data as JournalRecord;
}

export function checkCheckpoint(cp: unknown): UploadCheckpoint {
  const r = checkpointSchema.safeParse(cp);
  if (!r.success) throw new TypeError(`invalid upload checkpoint: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** A checksummed line that fails the schema is treated as damage, like a checksum mismatch. */
export function parseLine(value: unknown): JournalLine | undefined {
  const r = lineSchema.safeParse(value);
  return r.success ? (r.data as JournalLine) : undefined;
}
