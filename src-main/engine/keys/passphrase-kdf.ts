import { scrypt } from 'node:crypto';
import { KeyError } from './key-errors.ts';

/**
 * scrypt (node:crypto) turns a passphrase into the 256-bit key that wraps the passphrase slot. The
 * parameters travel with the slot, inside the ESDK message's authenticated encryption context, so they
 * can be raised later without breaking old slots, and nobody can lower them without the unwrap failing.
 *
 * They are authenticated only after scrypt has run, though: the header is read before the slot opens. So
 * a reader accepts only the small range below (docs/FORMAT.md §4) and refuses anything else before it
 * spends memory or time, and a writer never produces a slot outside it.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  salt: Uint8Array;
}

/** N = 2^17, r = 8: 128 MiB and a few hundred ms per attempt here. */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;

/**
 * What a slot may ask for: r = 8 and p = 1 as Coffer writes, N a power of two from 2^10 (tests) up to 2^18
 * (one step of headroom above the default: 256 MiB, about a second). Salt 16 to 64 bytes.
 */
export const SCRYPT_LIMITS = { minLogN: 10, maxLogN: 18, r: 8, p: 1, minSalt: 16, maxSalt: 64 } as const;

export function encodeKdf(p: ScryptParams): string {
  return `scrypt;N=${p.N};r=${p.r};p=${p.p};salt=${Buffer.from(p.salt).toString('base64')}`;
}

export function decodeKdf(text: string | undefined): ScryptParams {
  const m = /^scrypt;N=(\d{1,10});r=(\d{1,10});p=(\d{1,10});salt=([A-Za-z0-9+/=]{1,128})$/.exec(text ?? '');
  if (!m) throw new KeyError('the passphrase slot is damaged: it names no usable key derivation');
  const p = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), salt: new Uint8Array(Buffer.from(m[4] as string, 'base64')) };
  checkScryptParams(p, 'the passphrase slot asks for');
  return p;
}

/** Throws unless p is inside SCRYPT_LIMITS; runs no scrypt. */
export function checkScryptParams(p: ScryptParams, who: string): void {
  const L = SCRYPT_LIMITS;
  const logN = Math.log2(p.N);
  const ok = Number.isInteger(logN) && logN >= L.minLogN && logN <= L.maxLogN && p.r === L.r && p.p === L.p
    && p.salt.length >= L.minSalt && p.salt.length <= L.maxSalt;
  if (!ok) {
    throw new KeyError(
      `${who} scrypt N=${p.N}, r=${p.r}, p=${p.p} with a ${p.salt.length}-byte salt; Coffer accepts only N=2^${L.minLogN}..2^${L.maxLogN}, ` +
      `r=${L.r}, p=${L.p} and a ${L.minSalt}-${L.maxSalt} byte salt, so it did not run it (the slot is damaged or was not written by Coffer)`);
  }
}

export function deriveKey(passphrase: string, p: ScryptParams): Promise<Uint8Array> {
  if (passphrase.length === 0) return Promise.reject(new KeyError('the passphrase is empty'));
  try {
    checkScryptParams(p, 'refusing to run');
  } catch (err) {
    return Promise.reject(err);
  }
  const maxmem = 128 * p.N * p.r * 2 + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), p.salt, 32, { N: p.N, r: p.r, p: p.p, maxmem }, (err, key) => {
      if (err) reject(err);
      else resolve(new Uint8Array(key));
    });
  });
}
