import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fsx/atomic-file.ts';
import { decodeKdf, encodeKdf, type ScryptParams } from './passphrase-kdf.ts';

/**
 * The passphrase slot's scrypt parameters as this machine last opened it, so the next open can start
 * scrypt (~300 ms, on libuv's threads) before the slot is fetched and its header parsed, instead of after.
 * Nothing secret: the parameters and salt sit in clear in the slot's header in the bucket. The hint only
 * starts the work early: the slot's own parameters decide, and a hint that differs (the passphrase was
 * changed elsewhere) costs one more derivation, never a wrong key.
 */
const hintPath = (stateDir: string) => join(stateDir, 'passphrase-kdf');

/** The hint, or null when there is none or it does not parse within the accepted limits. */
export async function readKdfHint(stateDir: string): Promise<ScryptParams | null> {
  try {
    return decodeKdf((await readFile(hintPath(stateDir), 'utf8')).trim());
  } catch {
    return null;
  }
}

/** Saves the parameters the slot was opened with, when they differ from the hint; best effort. */
export async function saveKdfHint(stateDir: string, kdf: ScryptParams, hint: ScryptParams | null): Promise<void> {
  const text = encodeKdf(kdf);
  if (hint && encodeKdf(hint) === text) return;
  // Without fsync: a torn file does not parse and only means the next open derives after the fetch.
  await writeFileAtomic(hintPath(stateDir), `${text}\n`, { durable: false }).catch(() => undefined);
}
