import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readKdfHint, startDerivation } from './keys/passphrase-kdf-hint.ts';
import { pickVault } from './vault/pick-vault.ts';
import { cofferHome, vaultPaths } from './vault/state-dir.ts';

/**
 * Part of the engine API beside api.ts, and light (no SDK): a host calls it before it loads the engine.
 *
 * `coffer sync` and `coffer watch` of a passphrase vault with COFFER_PASSPHRASE set: starts scrypt
 * (~0.5 s on libuv's threads) before the command's modules load (~130 ms on the main thread), with the
 * parameters this machine last opened the slot with (keys/passphrase-kdf-hint.ts). The open takes
 * it when the slot names the same parameters and the passphrase is the same; otherwise it is not used.
 *
 * Synchronous reads of three small files, so the derivation has started before the loading does. Any
 * surprise (no registry, another key, no hint) starts nothing: the open then works as without this, and
 * reports what is wrong.
 */
export function startUnlockEarly(folder: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  const passphrase = env.COFFER_PASSPHRASE;
  if (!passphrase) return;
  try {
    const home = cofferHome(env);
    const registry = JSON.parse(readFileSync(join(home, 'vaults.json'), 'utf8')) as { vaults?: { vaultId: string; folder: string }[] };
    const abs = folder === undefined ? undefined : resolve(folder);
    const real = abs === undefined ? undefined : realOrSame(abs);
    const vault = pickVault(Array.isArray(registry.vaults) ? registry.vaults : [], abs, real);
    if (!vault || typeof vault.vaultId !== 'string') return;
    const paths = vaultPaths(home, vault.vaultId);
    const settings = JSON.parse(readFileSync(paths.settings, 'utf8')) as { keyRef?: unknown };
    if (settings.keyRef !== 'passphrase') return;
    const kdf = readKdfHint(paths.dir);
    if (kdf) startDerivation(passphrase, kdf);
  } catch {
    // Nothing started; the open reads everything again and says what is wrong.
  }
}

function realOrSame(abs: string): string {
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}
