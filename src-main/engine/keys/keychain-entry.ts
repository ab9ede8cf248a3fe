import { AsyncEntry } from '@napi-rs/keyring';
import { KeychainUnavailableError } from './key-errors.ts';

/**
 * One OS keychain item (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows),
 * service "coffer", account = the name after "keychain:". Holds the key set JSON.
 *
 * If the OS keychain cannot be reached we refuse; we never fall back to a plaintext file.
 */
export const KEYCHAIN_SERVICE = 'coffer';
const UNAVAILABLE = 'no secure OS keychain available';

export class KeychainEntry {
  private readonly entry: AsyncEntry;
  readonly where: string;

  constructor(readonly account: string) {
    this.entry = new AsyncEntry(KEYCHAIN_SERVICE, account);
    this.where = `keychain entry ${KEYCHAIN_SERVICE}/${account}`;
  }

  async read(): Promise<string | null> {
    try {
      return await this.entry.getPassword();
    } catch (err) {
      throw unavailable(err);
    }
  }

  async write(text: string): Promise<void> {
    try {
      await this.entry.setPassword(text);
    } catch (err) {
      throw unavailable(err);
    }
  }

  async remove(): Promise<void> {
    try {
      await this.entry.deleteCredential();
    } catch (err) {
      throw unavailable(err);
    }
  }
}

function unavailable(err: unknown): KeychainUnavailableError {
  const why = err instanceof Error ? err.message : String(err);
  return new KeychainUnavailableError(`${UNAVAILABLE} (${why})`, { cause: err });
}
