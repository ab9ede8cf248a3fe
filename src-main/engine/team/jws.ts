import { signBytes, verifyBytes, type MemberIdentity } from '../keys/index.ts';
import { MembershipError } from './team-errors.ts';

/**
 * JWS compact serialization (RFC 7515) with alg EdDSA over Ed25519 (RFC 8037), through node:crypto. The
 * protected header is `{"alg":"EdDSA","kid":<signer's member id>}`; nothing else is accepted.
 */
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

export function signJws(payload: unknown, identity: MemberIdentity): string {
  const input = `${b64(JSON.stringify({ alg: 'EdDSA', kid: identity.member }))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${signBytes(identity, Buffer.from(input, 'ascii')).toString('base64url')}`;
}

export interface ParsedJws {
  kid: string;
  payload: unknown;
  /** The signing input and signature, checked by verifyJws once the signer's key is known. */
  input: string;
  signature: Buffer;
}

/** Splits and decodes; `what` names the document in errors. Does not check the signature. */
export function parseJws(text: string, what: string): ParsedJws {
  const parts = text.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw new MembershipError(`${what} is not a JWS compact serialization`);
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown };
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as typeof header;
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new MembershipError(`${what} does not decode (damaged or tampered with)`, { cause });
  }
  if (header.alg !== 'EdDSA' || typeof header.kid !== 'string' || Object.keys(header).length !== 2) {
    throw new MembershipError(`${what} has an unexpected JWS header (only {"alg":"EdDSA","kid":…} is accepted)`);
  }
  return { kid: header.kid, payload, input: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

export function jwsSignatureValid(jws: ParsedJws, publicKey: string): boolean {
  return verifyBytes(publicKey, Buffer.from(jws.input, 'ascii'), jws.signature);
}
