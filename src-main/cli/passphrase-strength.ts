import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/**
 * One rule for every new passphrase (init --key passphrase, keys change-passphrase, keys move --to
 * passphrase): at least MIN_CHARS characters, and a zxcvbn score of at least MIN_SCORE (0-4; 3 is "safely
 * unguessable: moderate protection from an offline slow-hash attack", which scrypt is). The passphrase
 * guards a key slot anyone with read access to the bucket can attack offline.
 */
export const MIN_CHARS = 8;
export const MIN_SCORE = 3;

// English texts for zxcvbn's feedback keys (the language-en package is not a dependency; these are its words).
const WARNINGS: Record<string, string> = {
  straightRow: 'straight rows of keys are easy to guess',
  keyPattern: 'short keyboard patterns are easy to guess',
  simpleRepeat: 'repeated characters like "aaa" are easy to guess',
  extendedRepeat: 'repeated patterns like "abcabcabc" are easy to guess',
  sequences: 'common sequences like "abc" are easy to guess',
  recentYears: 'recent years are easy to guess',
  dates: 'dates are easy to guess',
  topTen: 'this is one of the most used passwords',
  topHundred: 'this is a very often used password',
  common: 'this is a commonly used password',
  similarToCommon: 'this is similar to a commonly used password',
  wordByItself: 'single words are easy to guess',
  namesByThemselves: 'single names or surnames are easy to guess',
  commonNames: 'common names and surnames are easy to guess',
  userInputs: 'it contains a name this vault uses',
  pwned: 'it was exposed in a data breach',
};
const SUGGESTIONS: Record<string, string> = {
  l33t: "avoid predictable substitutions like '@' for 'a'",
  reverseWords: 'avoid common words spelled backwards',
  allUppercase: 'capitalize some, but not all letters',
  capitalization: 'capitalize more than the first letter',
  dates: 'avoid dates and years tied to you',
  recentYears: 'avoid recent years',
  associatedYears: 'avoid years tied to you',
  sequences: 'avoid common character sequences',
  repeated: 'avoid repeated words and characters',
  longerKeyboardPattern: 'use longer keyboard patterns that change direction',
  anotherWord: 'add more words that are less common',
  useWords: 'use several words, but not a common phrase',
  noNeed: 'several uncommon words are strong without symbols or digits',
  pwned: 'do not use it anywhere',
};

let estimator: ZxcvbnFactory | null = null;

/** Why `passphrase` is too weak for a vault, or null when it is strong enough. */
export function passphraseWeakness(passphrase: string, userInputs: string[] = []): string | null {
  if ([...passphrase].length < MIN_CHARS) return `a passphrase needs at least ${MIN_CHARS} characters`;
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const r = estimator.check(passphrase, ['coffer', ...userInputs]);
  if (r.score >= MIN_SCORE) return null;
  const why = [r.feedback.warning ? WARNINGS[r.feedback.warning] ?? r.feedback.warning : null,
    ...r.feedback.suggestions.map((s) => SUGGESTIONS[s] ?? s)].filter(Boolean);
  return `this passphrase is too easy to guess (strength ${r.score} of 4, at least ${MIN_SCORE} needed)`
    + `${why.length ? `: ${why.join('; ')}` : ''}. Four or five unrelated words make a strong one`;
}
