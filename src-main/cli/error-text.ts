import { AccessDeniedError, MissingContainerError } from '../engine/ports/store-errors.ts';
import {
  conflictSummary, HeadIntegrityError, KeychainEmptyError, MembershipError, KeychainUnavailableError, RestoreConflictError, RestoreTargetError,
} from '../engine/errors.ts';

/** Errors that mean "change the command line" (exit 2) although the engine found them, before writing. */
export function isWrongUse(err: unknown): boolean {
  return err instanceof RestoreConflictError || err instanceof RestoreTargetError;
}

/** A rolled-back or missing head is bad data in the bucket (exit 3), like a damaged object. */
export function isBadData(err: unknown): boolean {
  // A membership document or join code that does not verify is refused as bad data, like a rolled-back head.
  return err instanceof HeadIntegrityError || err instanceof MembershipError;
}

/**
 * One line a person can act on. Store and key errors already carry plain messages; add the next step,
 * which may depend on the command that failed (`command`: "init", "sync", … or a keys subcommand).
 */
export function describeError(err: unknown, command?: string): string {
  const e = err as Error;
  if (e instanceof AccessDeniedError) return `${e.message} (check the credentials: AWS_PROFILE / AWS_ACCESS_KEY_ID)`;
  if (e instanceof MissingContainerError) return `${e.message} (create the bucket first, or check its name)`;
  if (e instanceof KeychainUnavailableError) return keychainUnavailable(e, command);
  if (e instanceof KeychainEmptyError) return keychainEmpty(e);
  if (e instanceof RestoreConflictError) {
    return `${conflictSummary(e.toDir, e.existing, e.examples)}. `
      + 'Re-run with --overwrite to replace them, or --skip-existing to keep them and restore the rest';
  }
  if (e instanceof RestoreTargetError) return `--to ${e.toDir} is a file, not a folder; give a folder to restore into (it is created when missing)`;
  const msg = (e?.message ?? String(err)).split('\n')[0]!;
  return msg;
}

/** Only init chooses where a key lives; every other command must reach the keychain the vault uses. */
function keychainUnavailable(e: KeychainUnavailableError, command: string | undefined): string {
  if (command === 'init') return `${e.message}; choose another key with --key passphrase`;
  return `${e.message}; this vault's key is in the OS keychain: start or unlock it (on Linux a Secret Service such as `
    + 'gnome-keyring), or read the vault with its recovery key: coffer restore --remote <url> --recovery-key @kit.txt --to <dir>';
}

/**
 * A keychain that answers but has lost the item (a new login, a wiped keyring). The vault itself is intact:
 * the recovery key opens it from the bucket.
 */
function keychainEmpty(e: KeychainEmptyError): string {
  return `${e.message}; the recovery key still opens the vault: coffer restore --remote <url> --recovery-key @kit.txt --to <dir> `
    + '(or coffer verify --remote <url> --recovery-key @kit.txt)';
}
