import { z } from 'zod';
import { canonicalBytes } from '../manifest/canonical-json.ts';
import { signBytes, verifyBytes, type MemberIdentity } from '../keys/index.ts';
import { ROLES } from './membership-schema.ts';
import { MembershipError } from './team-errors.ts';

/**
 * Join codes (docs/FORMAT.md §Team): `coffer-join1:` + base64url(JSON payload) + `.` + base64url(Ed25519
 * signature by the issuing admin over the JCS of the payload). Signed, expiring and bound to one vault.
 * When the invite was made without the member's public identity the code carries a one-time identity
 * (`identity`), and is then a secret until used: whoever holds it can join as that member.
 */
const PREFIX = 'coffer-join1:';

export const JoinPayloadSchema = z.strictObject({
  vaultId: z.string().regex(/^[0-9a-f]{32}$/),
  remote: z.string().min(1),
  endpoint: z.string().optional(),
  memberId: z.string().regex(/^[0-9a-f]{16,32}$/),
  name: z.string().min(1),
  role: z.enum(ROLES),
  expiresAt: z.string(),
  creatorKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  issuedBy: z.string().min(1),
  identity: z.strictObject({ signKey: z.string(), ageIdentity: z.string() }).optional(),
});
export type JoinPayload = z.infer<typeof JoinPayloadSchema>;

export function encodeJoinCode(payload: JoinPayload, issuer: MemberIdentity): string {
  const sig = signBytes(issuer, canonicalBytes(payload)).toString('base64url');
  return `${PREFIX}${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}.${sig}`;
}

export interface ParsedJoinCode {
  payload: JoinPayload;
  /** Checks the signature against the issuer's public key (the creator's, or an admin's from the membership). */
  signedBy(publicKey: string): boolean;
}

/** Decodes and checks the expiry; the signature is checked by the caller once the issuer's key is known. */
export function parseJoinCode(code: string, now: number): ParsedJoinCode {
  const text = code.trim();
  if (!text.startsWith(PREFIX)) throw new MembershipError('this is not a Coffer join code (it starts with coffer-join1:)');
  const [body, sig, ...rest] = text.slice(PREFIX.length).split('.');
  if (!body || !sig || rest.length) throw new MembershipError('the join code is cut short or damaged: copy it again, whole');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new MembershipError('the join code is damaged or was tampered with (it does not decode)', { cause });
  }
  const parsed = JoinPayloadSchema.safeParse(raw);
  if (!parsed.success) throw new MembershipError('the join code is damaged or was tampered with (unexpected contents)');
  const payload = parsed.data;
  const expires = Date.parse(payload.expiresAt);
  if (!Number.isFinite(expires) || expires <= now) {
    throw new MembershipError(`this join code expired on ${payload.expiresAt}; ask an admin of the vault for a new one (coffer team invite)`);
  }
  const signature = Buffer.from(sig, 'base64url');
  return { payload, signedBy: (key) => verifyBytes(key, canonicalBytes(payload), signature) };
}
