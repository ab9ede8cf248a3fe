import { KeyUnavailableError } from '../ports/key-provider.ts';

/**
 * Errors a local key provider throws. Each message is written for the person at the keyboard: it says
 * what went wrong and what to do next. All extend KeyUnavailableError so callers that only care
 * "can this key be used?" need one catch.
 */
export class KeyError extends KeyUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The passphrase did not open the passphrase slot. */
export class WrongPassphraseError extends KeyError {
  constructor(options?: { cause?: unknown }) {
    super('wrong passphrase', options);
  }
}

/** The typed recovery key fails its checksum or shape check; nothing was tried against the bucket. */
export class RecoveryKeyTypoError extends KeyError {}

/**
 * No Secret Service (or other OS keychain) answered. We never fall back to a plaintext file. The message
 * says what failed; the next step depends on the host (the CLI's error-text.ts names the command).
 */
export class KeychainUnavailableError extends KeyError {}

/**
 * No item for this vault came back from the keychain: a new login, a wiped keyring, or (on Linux) no
 * Secret Service at all, which the keyring library reports as a missing item on a read.
 */
export class KeychainEmptyError extends KeyError {
  constructor(readonly where: string) {
    super(`the ${where} is empty on this machine, or the OS keychain cannot be reached (the vault is intact: its recovery key opens it)`);
  }
}

/** A stored key set (keychain entry or bucket slot) could not be parsed or does not belong here. */
export class CorruptKeySetError extends KeyError {}

/** The key reference or an argument (rotation period, deletion window) is not acceptable. */
export class KeyUsageError extends KeyError {}
