import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fsx/atomic-file.ts';
import { decodeKdf, deriveKey, encodeKdf, type ScryptParams } from './passphrase-kdf.ts';

/**
 * The passphrase slot's scrypt parameters as this machine last opened it, so the next open can start
 * scrypt (~300 ms, on libuv's threads) before the slot is fetched and its header parsed, instead of after.
 * Nothing secret: the parameters and salt sit in clear in the slot's header in the bucket. The hint only
 * starts the work early: the slot's own parameters decide, and a hint that differs (the passphrase was
 * changed elsewhere) costs one more derivation, never a wrong key.
 */
const hintPath = (stateDir: string) => join(stateDir, 'passphrase-kdf');

/**
 * The hint, or null when there is none or it does not parse within the accepted limits. A synchronous read
 * of one short line: engine/early-unlock.ts must have started scrypt before the command's modules load,
 * and an open reads it the same way.
 */
export function readKdfHint(stateDir: string): ScryptParams | null {
  try {
    return decodeKdf(readFileSync(hintPath(stateDir), 'utf8').trim());
  } catch {
    return null;
  }
}

/**
 * Derivations started ahead of an open, by parameters and passphrase. The first open takes its entry and
 * drops the rest (one started under a stale hint, a passphrase that was not the one asked for), so no
 * derived key or passphrase is held past that open, in a long `coffer watch` either.
 */
const started = new Map<string, Promise<Uint8Array>>();
const startedKey = (passphrase: string, kdf: ScryptParams) => `${encodeKdf(kdf)}\n${passphrase}`;

/** Starts deriving the slot key for `kdf` now; an open with the same passphrase and parameters takes it. */
export function startDerivation(passphrase: string, kdf: ScryptParams): void {
  const key = startedKey(passphrase, kdf);
  if (started.has(key)) return;
  const derivation = deriveKey(passphrase, kdf);
  derivation.catch(() => undefined); // its open reports the failure; an open that never comes must not crash
  started.set(key, derivation);
}

/** How many started derivations no open has taken yet (tests look). */
export function untakenDerivations(): number {
  return started.size;
}

/** The derivation started for these parameters and passphrase, or a new one. */
export function takeDerivation(passphrase: string, kdf: ScryptParams): Promise<Uint8Array> {
  const key = startedKey(passphrase, kdf);
  const early = started.get(key);
  started.clear();
  return early ?? deriveKey(passphrase, kdf);
}

/** Saves the parameters the slot was opened with, when they differ from the hint; best effort. */
export async function saveKdfHint(stateDir: string, kdf: ScryptParams, hint: ScryptParams | null): Promise<void> {
  const text = encodeKdf(kdf);
  if (hint && encodeKdf(hint) === text) return;
  // Without fsync: a torn file does not parse and only means the next open derives after the fetch.
  await writeFileAtomic(hintPath(stateDir), `${text}\n`, { durable: false }).catch(() => undefined);
}
