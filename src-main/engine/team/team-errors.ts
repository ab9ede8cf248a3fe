/**
 * A membership document, join code or signed root that this client cannot verify, or one older than the
 * newest it has seen. Never applied: the message says what was refused and why (docs/FORMAT.md §Team).
 */
export class MembershipError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MembershipError';
  }
}

/** This client may not do what was asked under the current membership (a reader committing, a writer inviting). */
export class TeamPermissionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TeamPermissionError';
  }
}

/** This client's member was removed from the vault: it still reads what it had, and never commits again. */
export class RemovedMemberError extends TeamPermissionError {}
