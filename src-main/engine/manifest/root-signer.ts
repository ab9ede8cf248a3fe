import { canonicalBytes } from './canonical-json.ts';
import type { Root } from './schema.ts';

/**
 * Signs the roots a team member commits (docs/FORMAT.md §Team). The manifest only asks for a signature
 * over bytes; which key and which member is the team layer's business (team/root-signature.ts checks them).
 */
export interface RootSigner {
  readonly member: string;
  /** base64url Ed25519 signature of `data`. */
  sign(data: Uint8Array): string;
}

/** The bytes a root's `sig` covers: the JCS of the root without `sig`. */
export function rootSigningBytes(root: Root): Buffer {
  const { sig: _sig, ...rest } = root;
  return canonicalBytes(rest);
}

export function signRoot(root: Root, signer: RootSigner): Root {
  const unsigned: Root = { ...root, author: { member: signer.member, device: root.device } };
  delete unsigned.sig;
  return { ...unsigned, sig: signer.sign(rootSigningBytes(unsigned)) };
}
