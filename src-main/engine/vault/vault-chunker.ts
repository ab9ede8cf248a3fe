import { chunkKeys } from '../chunking/chunk-keys.ts';
import { chunkFile } from '../chunking/chunk-file.ts';
import { CutPool } from '../chunking/cut-pool.ts';
import type { FileChunker } from '../sync/chunked-upload.ts';

/** The vault's chunker: FastCDC keyed by its chunking secret (docs/CDC.md), cutting on `pool` when given. */
export function vaultChunker(secret: Uint8Array, pool?: CutPool): FileChunker {
  const keys = chunkKeys(secret);
  return { chunk: (abs) => chunkFile(abs, keys, pool ? { pool } : {}) };
}

let shared: CutPool | null = null;

/**
 * One chunking worker pool per process, shared by its vaults (the app can run several): sized to the
 * machine, its idle threads exit on their own (chunking/cut-pool.ts), so nothing needs closing.
 */
export function sharedCutPool(): CutPool {
  shared ??= new CutPool();
  return shared;
}
