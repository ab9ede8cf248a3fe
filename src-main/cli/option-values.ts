import { InvalidArgumentError } from 'commander';

/**
 * Value checks run while the command line is parsed, so a bad value is a usage error (exit 2) naming the
 * option, before any vault is opened. Each returns the text unchanged: command bodies read flags as
 * strings (CommandContext), and the checks only refuse.
 */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => string {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER
        ? `It must be a whole number of at least ${min}.`
        : `It must be a whole number from ${min} to ${max}.`);
    }
    return text;
  };
}

/** `--sample 10` or `--sample 10%`: a share of the file versions, above 0 and at most 100. */
export function percent(text: string): string {
  const n = Number(text.replace(/%$/, ''));
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 100) throw new InvalidArgumentError('It must be a percentage above 0 and at most 100.');
  return text;
}
