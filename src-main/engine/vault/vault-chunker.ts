import { chunkKeys } from '../chunking/chunk-keys.ts';
import { chunkFile } from '../chunking/chunk-file.ts';
import type { CutPool } from '../chunking/cut-pool.ts';
import type { FileChunker } from '../sync/chunked-upload.ts';

/** The vault's chunker: FastCDC keyed by its chunking secret (docs/CDC.md), cutting on `pool` when given. */
export function vaultChunker(secret: Uint8Array, pool?: CutPool): FileChunker {
  const keys = chunkKeys(secret);
  return { chunk: (abs) => chunkFile(abs, keys, pool ? { pool } : {}) };
}
