import type { ManifestStore } from '../manifest/manifest-store.ts';
import { rootSigningBytes } from '../manifest/root-signer.ts';
import type { Head, Root } from '../manifest/schema.ts';
import { verifyBytes } from '../keys/index.ts';
import type { Membership } from './membership-schema.ts';

/**
 * Which commit of a team vault a client may build on (docs/FORMAT.md §Team, "Rules"). In a vault with a
 * membership document a root counts only when it carries a valid signature by a writer or admin of the
 * newest verified version, from a device that was not revoked; a removed member's roots count only up to the
 * head generation at which they were removed. Otherwise the root is refused, and its parent is tried: the
 * newest accepted ancestor is the base, so a refused commit's changes are never merged.
 */
export function rootRefusal(root: Root, membership: Membership): string | null {
  if (!root.sig || !root.author) return 'it is not signed (a client without the team\'s keys, or an old client, wrote it)';
  const member = membership.members.find((m) => m.id === root.author!.member);
  if (!member) return `it is signed by ${root.author.member}, who is not a member of this vault`;
  if (root.author.device !== root.device) return 'its author names another device than the root';
  if (!verifyBytes(member.signKey, rootSigningBytes(root), Buffer.from(root.sig, 'base64url'))) return `its signature by ${member.name} does not verify (changed after signing)`;
  if (member.role === 'reader') return `${member.name} is a reader, and readers do not commit`;
  if (member.status === 'removed') {
    const limit = member.removedAtGeneration;
    if (limit === undefined || root.generation === undefined || root.generation > limit) {
      return `${member.name} was removed from this vault${member.removedBy ? ` by ${nameOf(membership, member.removedBy)}` : ''} on ${member.removedAt ?? '?'}`;
    }
  }
  const revoked = membership.revokedDevices.find((d) => d.id === root.device);
  if (revoked && Date.parse(root.time) >= Date.parse(revoked.at)) return `device ${root.device} was removed on ${revoked.at}`;
  return null;
}

const nameOf = (m: Membership, id: string) => m.members.find((x) => x.id === id)?.name ?? id;

export interface AcceptedHead {
  /** The newest accepted root (null: none in the retained history). */
  root: Root | null;
  /** One line per refused commit, newest first: "commit <id> by <member/device> was refused: <why>". */
  refused: string[];
}

export async function acceptedHead(manifest: Pick<ManifestStore, 'readRoot'>, head: Head, membership: Membership | null): Promise<AcceptedHead> {
  const refused: string[] = [];
  let id: string | null = head.rootId;
  while (id) {
    const root: Root = await manifest.readRoot(id);
    if (!membership) return { root, refused };
    let why = rootRefusal(root, membership);
    // A signed generation can only grow along the chain, and never beyond the head's.
    if (!why && root.generation !== undefined) {
      if (root.generation > head.generation) why = `it claims generation ${root.generation}, beyond the head's ${head.generation}`;
      else if (root.parent) {
        const parent = await manifest.readRoot(root.parent).catch(() => null);
        if (parent?.generation !== undefined && parent.generation >= root.generation) why = `it claims generation ${root.generation}, not after its parent's ${parent.generation}`;
      }
    }
    if (!why) return { root, refused };
    const by = root.author ? `${nameOf(membership, root.author.member)}/${root.device}` : `device ${root.device}`;
    refused.push(`commit ${root.rootId} by ${by} was refused: ${why}`);
    id = root.parent;
  }
  return { root: null, refused };
}
