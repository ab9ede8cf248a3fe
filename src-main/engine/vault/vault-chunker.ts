import { chunkKeys } from '../chunking/chunk-keys.ts';
import { chunkFile } from '../chunking/chunk-file.ts';
import { CutPool } from '../chunking/cut-pool.ts';
import type { FileChunker } from '../sync/chunked-upload.ts';
import type { VaultChunking } from './chunking-layout.ts';

/**
 * Bytes read and cut per window: two windows per file are in memory at once (one being consumed, one being
 * cut), so this bounds a pass's chunking memory; it must hold at least one maximal chunk (8 MiB: the
 * legacy parameters' max, and chunking-layout.ts's PARAM_BOUNDS cap any recorded max at it). 8 MiB rather
 * than 16: a cold pass of the bench's mix to S3 peaked at 293–307 MB instead of 320–342, at the same speed
 * (to a folder 10.1 vs 11.3 s, within noise); the part of a window after its last cut is read again by
 * the next one (about 1 MiB, an eighth of a window).
 */
const WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * The vault's chunker: FastCDC keyed by its chunking secret and cutting with its parameters (docs/CDC.md),
 * on `pool` when given.
 */
export function vaultChunker(chunking: Pick<VaultChunking, 'secret' | 'params'>, pool?: CutPool): FileChunker {
  const keys = chunkKeys(chunking.secret);
  const { params } = chunking;
  return {
    chunk: (abs, known) => chunkFile(abs, keys, params, { windowSize: WINDOW_BYTES, ...(pool ? { pool } : {}), ...(known ? { known } : {}) }),
  };
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
