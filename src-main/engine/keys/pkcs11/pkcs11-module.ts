import { createRequire } from 'node:module';
import type { Handle, Pkcs11, Pkcs11Lib } from './pkcs11-api.ts';
import { ckr, deviceError, loginError, Pkcs11KeyError } from './pkcs11-errors.ts';

export type { Handle };

/** A logged-in session and the constants, for the synchronous body of one operation. */
export interface Session {
  lib: Pkcs11Lib;
  p11: Pkcs11;
  handle: Handle;
}

export const DEFAULT_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

let lib: Pkcs11Lib | undefined;
const modules = new Map<string, Pkcs11>();

/**
 * pkcs11js is native and an optional dependency: npm compiles it with node-gyp at install (package.json
 * allowScripts lets it) and leaves it out where that fails. Loaded on first use, so keychain, passphrase
 * and KMS vaults work on a machine without it.
 */
function loadLib(): Pkcs11Lib {
  if (lib) return lib;
  const req = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = req.resolve('pkcs11js');
  } catch (cause) {
    throw new Pkcs11KeyError('no-module',
      'PKCS#11 support is not installed: pkcs11js is an optional dependency, compiled at install, and it was ' +
      'skipped here (it needs a C++ compiler and python3). Install those, then run "npm install pkcs11js"', { cause });
  }
  try {
    lib = req(entry) as Pkcs11Lib;
    return lib;
  } catch (cause) {
    throw new Pkcs11KeyError('no-module',
      'PKCS#11 support is not built on this machine: run "npm rebuild pkcs11js" (needs a C++ compiler and python3)', { cause });
  }
}

/** One loaded, initialised module per path for the life of the process (C_Initialize is per process). */
function moduleAt(path: string): Pkcs11 {
  const known = modules.get(path);
  if (known) return known;
  const l = loadLib();
  const p11 = new l.PKCS11();
  try {
    p11.load(path);
  } catch (cause) {
    throw new Pkcs11KeyError('no-module', `cannot load the PKCS#11 module ${path}: set COFFER_PKCS11_MODULE to your HSM's library`, { cause });
  }
  try {
    p11.C_Initialize();
  } catch (err) {
    if (ckr(err) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') throw deviceError(err, `initialise ${path}`);
  }
  modules.set(path, p11);
  return p11;
}

function findSlot(p11: Pkcs11, token: string, modulePath: string): Handle {
  const labels: string[] = [];
  for (const slot of p11.C_GetSlotList(true)) {
    const label = p11.C_GetTokenInfo(slot).label.trim();
    if (label === token) return slot;
    labels.push(label);
  }
  throw new Pkcs11KeyError('no-token',
    `no PKCS#11 token labelled "${token}" in ${modulePath}` + (labels.length ? ` (tokens present: ${labels.join(', ')})` : ' (no token present)'));
}

/**
 * Runs `body` in a fresh read-write session logged in as the user, then logs out and closes it.
 * `body` is synchronous (pkcs11js calls block), so no other operation interleaves with it; and since
 * no session outlives the call, a wrong PIN is never masked by an earlier login.
 */
export function withSession<T>(modulePath: string, token: string, pin: string, body: (s: Session) => T): T {
  const p11 = moduleAt(modulePath);
  const l = loadLib();
  const slot = findSlot(p11, token, modulePath);
  let handle: Handle;
  try {
    handle = p11.C_OpenSession(slot, l.CKF_RW_SESSION | l.CKF_SERIAL_SESSION);
  } catch (err) {
    throw deviceError(err, `open a session on token "${token}"`);
  }
  try {
    try {
      p11.C_Login(handle, l.CKU_USER, pin);
    } catch (err) {
      if (ckr(err) !== 'CKR_USER_ALREADY_LOGGED_IN') throw loginError(err, token);
    }
    return body({ lib: l, p11, handle });
  } finally {
    try {
      p11.C_Logout(handle);
    } catch {
      /* not logged in: nothing to undo */
    }
    p11.C_CloseSession(handle);
  }
}
