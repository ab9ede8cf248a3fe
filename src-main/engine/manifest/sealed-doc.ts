import { gzipSync, gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import type { SealedObjects } from '../objects/sealed-objects.ts';
import type { ObjectRef } from '../objects/object-ref.ts';

/** Manifest documents are JSON, gzip-compressed, then sealed as one Encryption SDK message. */
export async function sealDoc(objects: SealedObjects, ref: ObjectRef, doc: unknown): Promise<Uint8Array> {
  return sealJson(objects, ref, JSON.stringify(doc));
}

/** sealDoc for a document already serialized (`json` = JSON.stringify of it), when the caller needs the text too. */
export async function sealJson(objects: SealedObjects, ref: ObjectRef, json: string): Promise<Uint8Array> {
  return objects.sealBytes(ref, gzipSync(json, { level: GZIP_LEVEL }));
}

/**
 * gzip's fastest level. A segment is mostly hex digests, which no level compresses much: for a segment of
 * 5,000 entries (926 KB of JSON) level 1 took 8 ms and gave 204 KB, the default (6) 16 ms and 192 KB. Every
 * commit seals the segments it changed, and a cold pass of 100,000 files seals 32 of ~1.5 MB. Readers
 * accept any level.
 */
const GZIP_LEVEL = 1;

/** Fetches, opens and validates; a document that authenticates but does not parse is still refused. */
export async function readDoc<T>(objects: SealedObjects, ref: ObjectRef, schema: z.ZodType<T>): Promise<T> {
  return parseDoc(ref, await readRawDoc(objects, ref), schema);
}

/** The opened document as JSON, before validation (a segment's digest is checked on it). */
export async function readRawDoc(objects: SealedObjects, ref: ObjectRef): Promise<unknown> {
  return rawDocOf(await objects.fetchBytes(ref));
}

/** An opened document's plaintext (gzip of JSON) as JSON, before validation. */
export function rawDocOf(plain: Uint8Array): unknown {
  return JSON.parse(gunzipSync(plain).toString('utf8'));
}

/** Validates an opened document. */
export function parseDoc<T>(ref: ObjectRef, raw: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${ref.kind} ${ref.id} has an unknown or invalid format: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
