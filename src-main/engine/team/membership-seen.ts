import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../fsx/atomic-file.ts';
import { jwsHash, type VerifiedMembership } from './membership-chain.ts';
import { MembershipSchema } from './membership-schema.ts';
import { parseJws } from './jws.ts';

/**
 * The client's high-water mark of the membership document, per vault (membership-seen.json in the vault's
 * state folder, as seen-head.json is for the manifest head): the pinned creator key and the newest version
 * it verified, whole, so the next check starts from it and refuses anything older or different.
 */
const SeenSchema = z.strictObject({
  version: z.literal(1),
  creatorKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  membership: z.strictObject({ version: z.number().int().positive(), hash: z.string(), jws: z.string() }).nullable(),
});

export interface MembershipSeen {
  creatorKey: string;
  known: VerifiedMembership | null;
}

const seenPath = (stateDir: string) => join(stateDir, 'membership-seen.json');

export async function readMembershipSeen(stateDir: string): Promise<MembershipSeen | null> {
  const raw = await readJsonFile(seenPath(stateDir), (r) => SeenSchema.parse(r));
  if (!raw) return null;
  if (!raw.membership) return { creatorKey: raw.creatorKey, known: null };
  const { jws, hash } = raw.membership;
  // The file is this machine's own record, written only after verifying; its text must still hash right.
  if (jwsHash(jws) !== hash) throw new Error(`${seenPath(stateDir)} is damaged; remove it and verify the team again (coffer team list)`);
  const doc = MembershipSchema.parse(parseJws(jws, 'the remembered membership version').payload);
  return { creatorKey: raw.creatorKey, known: { doc, jws, hash } };
}

export async function recordMembershipSeen(stateDir: string, creatorKey: string, known: VerifiedMembership | null): Promise<void> {
  await writeFileAtomic(seenPath(stateDir), JSON.stringify({
    version: 1, creatorKey, membership: known ? { version: known.doc.version, hash: known.hash, jws: known.jws } : null,
  }));
}
