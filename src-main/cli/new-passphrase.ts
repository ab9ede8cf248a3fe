import { basename, resolve } from 'node:path';
import { promptSecret, UsageError } from './prompt.ts';
import { passphraseWeakness } from './passphrase-strength.ts';

export interface NewPassphraseOptions {
  /** The environment variable that gives it without a terminal (COFFER_PASSPHRASE at init). */
  envVar: string;
  /** What nothing-was-done means for this command, for the mismatch message. */
  unchanged: string;
  /** Words the passphrase must not lean on (the folder's name, the key name). */
  userInputs?: string[];
  ask?: (question: string) => Promise<string>;
}

/**
 * A passphrase being chosen: from the environment, or asked twice on the terminal (a typo would lock
 * the user out). Either way it must pass passphraseWeakness; a weak or mismatched one is a usage error
 * raised before anything is created or changed.
 */
export async function newPassphrase(opts: NewPassphraseOptions): Promise<string> {
  const ask = opts.ask ?? promptSecret;
  const fromEnv = process.env[opts.envVar];
  let passphrase: string;
  if (fromEnv !== undefined) passphrase = fromEnv;
  else if (!opts.ask && !process.stdin.isTTY) {
    throw new UsageError(`a new passphrase is needed: set ${opts.envVar} (there is no terminal to ask)`);
  } else {
    passphrase = await ask('New passphrase: ');
    const weak = passphraseWeakness(passphrase, opts.userInputs);
    if (weak) throw new UsageError(`${weak}; ${opts.unchanged}`);
    if (passphrase !== (await ask('New passphrase again: '))) throw new UsageError(`the two passphrases differ; ${opts.unchanged}`);
  }
  const weak = passphraseWeakness(passphrase, opts.userInputs);
  if (weak) throw new UsageError(`${weak}${fromEnv !== undefined ? ` (from ${opts.envVar})` : ''}; ${opts.unchanged}`);
  return passphrase;
}

/** `init --key passphrase`: COFFER_PASSPHRASE (checked too) or asked twice; the engine then asks this. */
export async function initPassphrase(folder: string): Promise<() => Promise<string>> {
  const passphrase = await newPassphrase({ envVar: 'COFFER_PASSPHRASE', unchanged: 'no vault was created', userInputs: [basename(resolve(folder))] });
  return async () => passphrase;
}
