import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
// age (typage) is loaded on first use: only team vaults need it, and loading it costs ~70 ms of every start.
const age = () => import('age-encryption');
import { KeyUsageError } from './key-errors.ts';
import type { MemberIdentity } from './key-set.ts';

/**
 * Team identities (docs/decisions/0006-member-keys.md): an age X25519 identity, to which a member's key
 * slot is encrypted, and an Ed25519 key pair, with which membership versions, join codes and roots are
 * signed. Both are standard constructions from reviewed code (typage, node:crypto); nothing here invents one.
 */

// The DER prefixes of an Ed25519 key in PKCS#8 / SPKI (RFC 8410): only the last 32 bytes differ.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export async function newMemberIdentity(member: string): Promise<MemberIdentity> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { member, signKey: der.subarray(PKCS8_PREFIX.length).toString('base64url'), ageIdentity: await (await age()).generateX25519Identity() };
}

function privateKeyOf(identity: MemberIdentity): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(identity.signKey, 'base64url')]), format: 'der', type: 'pkcs8' });
}

/** The raw 32-byte Ed25519 public key, base64url (what the membership document lists). */
export function signPublicKey(identity: MemberIdentity): string {
  const der = createPublicKey(privateKeyOf(identity)).export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_PREFIX.length).toString('base64url');
}

export async function recipientOf(identity: MemberIdentity): Promise<string> {
  return (await age()).identityToRecipient(identity.ageIdentity);
}

/** Ed25519 over `data` (RFC 8032, pure: no pre-hash). */
export function signBytes(identity: MemberIdentity, data: Uint8Array): Buffer {
  return sign(null, data, privateKeyOf(identity));
}

/** Checks an Ed25519 signature against a raw public key (base64url); false for any malformed input. */
export function verifyBytes(publicKey: string, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    const raw = Buffer.from(publicKey, 'base64url');
    if (raw.length !== 32 || signature.length !== 64) return false;
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
}

/**
 * A member's public identity as `coffer team id` prints it and `coffer team invite --key` takes it:
 * `coffer-id1:<age recipient>:<Ed25519 public key, base64url>`. It is not secret.
 */
export interface PublicIdentity {
  recipient: string;
  signKey: string;
}

const PUBLIC_ID = /^coffer-id1:(age1[0-9a-z]{58}):([A-Za-z0-9_-]{43})$/;

export async function publicIdentityOf(identity: MemberIdentity): Promise<PublicIdentity> {
  return { recipient: await recipientOf(identity), signKey: signPublicKey(identity) };
}

export function formatPublicId(id: PublicIdentity): string {
  return `coffer-id1:${id.recipient}:${id.signKey}`;
}

export function parsePublicId(text: string): PublicIdentity {
  const m = PUBLIC_ID.exec(text.trim());
  if (!m) throw new KeyUsageError(`"${text.slice(0, 24)}…" is not a Coffer public identity: it looks like coffer-id1:age1…:… (run "coffer team id" on the member's machine)`);
  return { recipient: m[1]!, signKey: m[2]! };
}
