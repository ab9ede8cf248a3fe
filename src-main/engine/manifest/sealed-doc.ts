import { gzipSync, gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import type { Sealer, ObjectContext } from '../ports/sealer.ts';

/** Manifest documents are JSON, gzip-compressed, then sealed as one Encryption SDK message. */
export async function sealDoc(sealer: Sealer, doc: unknown, ctx: ObjectContext): Promise<Uint8Array> {
  return sealer.sealBytes(gzipSync(JSON.stringify(doc)), ctx);
}

/** Opens and validates; a document that authenticates but does not parse is still refused. */
export async function openDoc<T>(sealer: Sealer, bytes: Uint8Array, ctx: ObjectContext, schema: z.ZodType<T>): Promise<T> {
  const plain = await sealer.openBytes(bytes, ctx);
  const parsed = schema.safeParse(JSON.parse(gunzipSync(plain).toString('utf8')));
  if (!parsed.success) {
    throw new Error(`${ctx.kind} ${ctx.objectId} has an unknown or invalid format: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
