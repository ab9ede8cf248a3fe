import { createHash } from 'node:crypto';
import type { Handle, Session } from './pkcs11-module.ts';
import { ckr, deviceError, Pkcs11KeyError } from './pkcs11-errors.ts';

/**
 * Key versions on the token: version N is the AES-256 secret key object labelled `<key>#v<N>`.
 * An object labelled just `<key>` (made with the token's own tools) counts as version 1.
 */
export interface TokenVersion {
  version: number;
  handle: Handle;
}

export function versionLabel(key: string, version: number): string {
  return `${key}#v${version}`;
}

export function listVersions(s: Session, key: string): TokenVersion[] {
  const { p11, lib, handle } = s;
  p11.C_FindObjectsInit(handle, [{ type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY }, { type: lib.CKA_KEY_TYPE, value: lib.CKK_AES }]);
  let found: Handle[];
  try {
    found = p11.C_FindObjects(handle, 10_000);
  } finally {
    p11.C_FindObjectsFinal(handle);
  }
  const out: TokenVersion[] = [];
  for (const h of found) {
    const label = p11.C_GetAttributeValue(handle, h, [{ type: lib.CKA_LABEL }])[0]?.value?.toString('utf8') ?? '';
    if (label === key) out.push({ version: 1, handle: h });
    else if (label.startsWith(`${key}#v`) && /^\d+$/.test(label.slice(key.length + 2))) {
      out.push({ version: Number(label.slice(key.length + 2)), handle: h });
    }
  }
  // A labelled #v1 wins over a bare label if both exist.
  const byVersion = new Map<number, TokenVersion>();
  for (const v of out.sort((a, b) => a.version - b.version)) byVersion.set(v.version, v);
  return [...byVersion.values()];
}

/**
 * A new AES-256 key on the token that never leaves it: not extractable, sensitive, and usable only
 * to wrap and unwrap (not to encrypt arbitrary data).
 */
export function generateVersion(s: Session, key: string, version: number): Handle {
  const { p11, lib, handle } = s;
  try {
    return p11.C_GenerateKey(handle, { mechanism: lib.CKM_AES_KEY_GEN }, [
      { type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY },
      { type: lib.CKA_KEY_TYPE, value: lib.CKK_AES },
      { type: lib.CKA_VALUE_LEN, value: 32 },
      { type: lib.CKA_LABEL, value: versionLabel(key, version) },
      { type: lib.CKA_TOKEN, value: true },
      { type: lib.CKA_PRIVATE, value: true },
      { type: lib.CKA_SENSITIVE, value: true },
      { type: lib.CKA_EXTRACTABLE, value: false },
      { type: lib.CKA_WRAP, value: true },
      { type: lib.CKA_UNWRAP, value: true },
      { type: lib.CKA_ENCRYPT, value: false },
      { type: lib.CKA_DECRYPT, value: false },
    ]);
  } catch (err) {
    throw deviceError(err, `create key "${versionLabel(key, version)}"`);
  }
}

export function destroyVersion(s: Session, v: TokenVersion): void {
  s.p11.C_DestroyObject(s.handle, v.handle);
}

/**
 * What is wrapped: the data key followed by SHA-256 of the encryption context. AES key wrap (RFC 3394)
 * authenticates its whole input, so a wrapped key moved to a message with another context fails the
 * check after unwrapping, as KMS and the raw AES keyring refuse it.
 */
function payload(dataKey: Uint8Array, context: Record<string, string>): Buffer {
  return Buffer.concat([Buffer.from(dataKey), contextDigest(context)]);
}

function contextDigest(context: Record<string, string>): Buffer {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update('coffer-pkcs11-context-v1\0').update(JSON.stringify(entries)).digest();
}

/** Wraps on the token: the payload becomes a short-lived session object, wrapped, then destroyed. */
export function wrapDataKey(s: Session, kek: Handle, dataKey: Uint8Array, context: Record<string, string>): Buffer {
  const { p11, lib, handle } = s;
  const value = payload(dataKey, context);
  const tmp = p11.C_CreateObject(handle, sessionSecret(s, value));
  try {
    return p11.C_WrapKey(handle, { mechanism: lib.CKM_AES_KEY_WRAP }, kek, tmp, Buffer.alloc(value.length + 16));
  } catch (err) {
    throw deviceError(err, 'wrap a data key');
  } finally {
    p11.C_DestroyObject(handle, tmp);
    value.fill(0);
  }
}

/** Unwraps on the token and checks the context digest; returns the data key, or throws. */
export function unwrapDataKey(s: Session, kek: Handle, wrapped: Uint8Array, context: Record<string, string>, keyLength: number): Buffer {
  const { p11, lib, handle } = s;
  let tmp: Handle;
  try {
    tmp = p11.C_UnwrapKey(handle, { mechanism: lib.CKM_AES_KEY_WRAP }, kek, Buffer.from(wrapped), sessionSecret(s));
  } catch (err) {
    const code = ckr(err);
    throw new Pkcs11KeyError('unwrap-failed',
      `the HSM could not unwrap a data key (${code || 'error'}): it was wrapped by other key material, or it is damaged`, { cause: err });
  }
  try {
    const value = p11.C_GetAttributeValue(handle, tmp, [{ type: lib.CKA_VALUE }])[0]?.value ?? Buffer.alloc(0);
    if (value.length !== keyLength + 32 || !value.subarray(keyLength).equals(contextDigest(context))) {
      value.fill(0);
      throw new Pkcs11KeyError('unwrap-failed', 'the wrapped data key belongs to another encryption context (damaged or swapped object)');
    }
    return value.subarray(0, keyLength);
  } finally {
    p11.C_DestroyObject(handle, tmp);
  }
}

/** A session-only generic secret that may be read back (the data key is plaintext in memory anyway). */
function sessionSecret(s: Session, value?: Buffer) {
  const { lib } = s;
  return [
    { type: lib.CKA_CLASS, value: lib.CKO_SECRET_KEY },
    { type: lib.CKA_KEY_TYPE, value: lib.CKK_GENERIC_SECRET },
    { type: lib.CKA_TOKEN, value: false },
    { type: lib.CKA_SENSITIVE, value: false },
    { type: lib.CKA_EXTRACTABLE, value: true },
    ...(value ? [{ type: lib.CKA_VALUE, value }] : []),
  ];
}
