import type { ObjectContext } from '../ports/sealer.ts';

/**
 * The encryption context of every object: authenticated, stored in clear in the message header and
 * visible to KMS (CloudTrail). It therefore holds only opaque identifiers, never a path or name. The
 * ObjectContext itself is decided by the sealed-objects layer (objects/object-ref.ts contextOf); this
 * is only how the Sealer writes it into the message (docs/FORMAT.md).
 */
export function encryptionContextFor(ctx: ObjectContext): Record<string, string> {
  return {
    'coffer:vault': ctx.vaultId,
    'coffer:object': ctx.objectId,
    'coffer:kind': ctx.kind,
  };
}

/**
 * The SDK may add its own pairs (none for our unsigned suite, but a signing suite adds
 * aws-crypto-public-key), so we compare exactly the coffer:* pairs and refuse any other extra pair.
 */
export function sameContext(actual: Record<string, string>, expected: Record<string, string>): boolean {
  const keys = Object.keys(actual);
  if (keys.length !== Object.keys(expected).length) return false;
  return keys.every((k) => expected[k] === actual[k]);
}
