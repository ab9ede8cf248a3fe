import { z } from 'zod';

/**
 * The manifest: the only place that knows names. It is sealed like any object (docs/FORMAT.md §Manifest).
 * Every document carries `format`; readers refuse a format they do not know instead of guessing.
 */
export const MANIFEST_FORMAT = 1;

/**
 * Where a file's bytes live: a byte range of one object's plaintext, or (format 4) one sealed message
 * inside a chunk pack.
 */
export const ChunkSchema = z.strictObject({
  object: z.string().regex(/^[0-9a-f]{32}$/),
  /**
   * 'data': the object is exactly this file range; 'pack': the range is a slice of a pack of small files;
   * 'chunk' (format 4): the object is a chunk pack, and the chunk is the Encryption SDK message at bytes
   * [offset, offset + sealed) of it, sealed as a 'data' object under the id `message` (docs/FORMAT.md §3.4).
   */
  kind: z.enum(['data', 'pack', 'chunk']),
  /** Plaintext offset ('data': 0, 'pack': into the pack's plaintext); for 'chunk', the message's byte offset in the pack. */
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
  /**
   * Format 3: a content-defined chunk's keyed identity (HMAC-SHA256 under the vault's chunk-id key, hex;
   * docs/CDC.md). On 'data' and 'chunk' chunks; equal ids are equal bytes, so a later file or version reuses the object.
   */
  id: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** 'chunk' only: the message's length in bytes (its ciphertext, padding included). */
  sealed: z.number().int().positive().optional(),
  /** 'chunk' only: the object id the message's encryption context names (coffer:object, kind 'data'). */
  message: z.string().regex(/^[0-9a-f]{32}$/).optional(),
}).refine(
  (c) => (c.kind === 'chunk' ? c.sealed !== undefined && c.message !== undefined && c.id !== undefined : c.sealed === undefined && c.message === undefined),
  { message: "a 'chunk' names its message, its sealed length and its id; no other kind names a message or a sealed length" },
);

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const FileEntrySchema = z.strictObject({
  /** The name as UTF-8 text; when `rawPath` is present only a display form (FORMAT.md §Names). */
  path: z.string().min(1),
  /** The exact bytes of a path that is not valid UTF-8, base64. Present only for such paths. */
  rawPath: Base64.min(1).optional(),
  type: z.enum(['file', 'symlink', 'dir']),
  size: z.number().int().nonnegative(),
  mode: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  /** sha256 of the plaintext (files) — binds the path to its content, so objects cannot be swapped. */
  hash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  chunks: z.array(ChunkSchema).optional(),
  target: z.string().optional(),
  /** The exact bytes of a symlink target that is not valid UTF-8, base64 (as `rawPath`). */
  rawTarget: Base64.min(1).optional(),
  /** The device that wrote this version and that device's sequence number at the time. */
  device: z.string().min(1),
  seq: z.number().int().nonnegative(),
  /** Key version that wrapped the data keys of this version's objects (for usage scans). */
  keyVersion: z.number().int().nonnegative().optional(),
});

/**
 * What the store held right after an object was stored, for `verify --quick` (a HEAD, no download):
 * its ciphertext size, SHA-256 (base64, as S3's x-amz-checksum-sha256) and, only when the store's etag
 * was the ciphertext's MD5 (or S3's MD5 of part MD5s), that etag.
 */
export const StoredObjectSchema = z.strictObject({
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  etag: z.string().min(1).optional(),
});

export const SegmentSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  vaultId: z.string(),
  shard: z.number().int().nonnegative(),
  entries: z.array(FileEntrySchema),
  /** Records of the data objects and packs these entries' chunks name, by object id; optional (older vaults). */
  stored: z.record(z.string().regex(/^[0-9a-f]{32}$/), StoredObjectSchema).optional(),
});

export const RootSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  vaultId: z.string(),
  rootId: z.string().regex(/^[0-9a-f]{32}$/),
  parent: z.string().nullable(),
  device: z.string(),
  /** The writing device's own sequence number (each device counts its commits separately). */
  seq: z.number().int().nonnegative(),
  time: z.string(),
  shardBits: z.number().int().min(0).max(12),
  segments: z.array(z.strictObject({ shard: z.number().int(), object: z.string(), count: z.number().int(), digest: z.string() })),
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Team vaults (docs/FORMAT.md §Team): who committed this root, from which device. */
  author: z.strictObject({ member: z.string().min(1), device: z.string().min(1) }).optional(),
  /** The head generation this root was committed as (binds the unsigned head's generation to a signed root). */
  generation: z.number().int().nonnegative().optional(),
  /** base64url Ed25519 signature by `author.member` over the JCS serialization of the root without `sig`. */
  sig: z.string().regex(/^[A-Za-z0-9_-]{86}$/).optional(),
});

export const HeadSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  vaultId: z.string(),
  rootId: z.string(),
  /** Increases by one with every commit from any device: a smaller value than seen before is a rollback. */
  generation: z.number().int().nonnegative(),
  device: z.string(),
  time: z.string(),
});

export const VaultDescriptorSchema = z.strictObject({
  format: z.literal('coffer-vault'),
  /**
   * 1: one owner; 2: devices and teams (a membership document exists, roots are signed); 3: files may be
   * stored as content-defined chunks (docs/FORMAT.md §3.4), objects may be padded. Team-ness is told by
   * the membership document, not by this number, so a team vault of format 3 says 3. 4: new chunks are
   * stored in chunk packs (§3.4). 5: keys/chunking holds the chunking parameters after the secret
   * (§3.4.1), so a Coffer that knows only the bare secret refuses the vault here, by this number.
   */
  version: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
  vaultId: z.string().regex(/^[0-9a-f]{32}$/),
});

export type Chunk = z.infer<typeof ChunkSchema>;
export type FileEntry = z.infer<typeof FileEntrySchema>;
export type Segment = z.infer<typeof SegmentSchema>;
export type StoredObject = z.infer<typeof StoredObjectSchema>;
export type Root = z.infer<typeof RootSchema>;
export type Head = z.infer<typeof HeadSchema>;
export type VaultDescriptor = z.infer<typeof VaultDescriptorSchema>;
