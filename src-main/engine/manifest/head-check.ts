import type { Head } from './schema.ts';

/**
 * What the head says is only as good as its generation: a provider can put back an older head (every
 * object of the old tree is still there, sealed and valid) or delete it. Every reader of the tree (sync,
 * restore, restore --at, versions, verify) compares the head with the highest generation this machine
 * has seen, so an old or missing head is refused instead of being taken for the truth.
 */
export class HeadIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The head's generation is lower than one this machine already saw. */
export class RollbackError extends HeadIntegrityError {}

/** The bucket has no head although the vault has committed (this machine saw it, or roots exist). */
export class MissingHeadError extends HeadIntegrityError {}

/** Nothing was ever committed: a restore or verify has nothing to work on. Not damage, but not success. */
export class NoSnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoSnapshotError';
  }
}

/** Throws when `head` is older than `seenGeneration`, or missing although a generation was seen. */
export function checkHeadAgainst(head: Head | null, seenGeneration: number, doing: string): void {
  if (head && head.generation < seenGeneration) {
    throw new RollbackError(`the bucket's manifest (generation ${head.generation}) is older than the one this device already saw (generation ${seenGeneration}): it may have been rolled back; refusing to ${doing}`);
  }
  if (!head && seenGeneration > 0) {
    throw new MissingHeadError(`the bucket has no manifest head, but this device saw generation ${seenGeneration} of it: the head was deleted or is withheld; refusing to ${doing}`);
  }
}
