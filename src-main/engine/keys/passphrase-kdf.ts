import { scrypt } from 'node:crypto';
import { KeyError } from './key-errors.ts';

/**
 * scrypt (node:crypto) turns a passphrase into the 256-bit key that wraps the passphrase slot. The
 * parameters travel with the slot, inside the ESDK message's authenticated encryption context, so they
 * can be raised later without breaking old slots, and nobody can lower them without the unwrap failing.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  salt: Uint8Array;
}

/** N = 2^17, r = 8: 128 MiB and a few hundred ms per attempt here. */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
// Refuse parameters that would make opening a hostile slot exhaust memory.
const MAX_N = 2 ** 20;

export function encodeKdf(p: ScryptParams): string {
  return `scrypt;N=${p.N};r=${p.r};p=${p.p};salt=${Buffer.from(p.salt).toString('base64')}`;
}

export function decodeKdf(text: string | undefined): ScryptParams {
  const m = /^scrypt;N=(\d+);r=(\d+);p=(\d+);salt=([A-Za-z0-9+/=]+)$/.exec(text ?? '');
  if (!m) throw new KeyError('the passphrase slot names no usable key derivation; it may be damaged');
  const p = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), salt: new Uint8Array(Buffer.from(m[4] as string, 'base64')) };
  const powerOfTwo = (p.N & (p.N - 1)) === 0;
  if (!powerOfTwo || p.N < 2 ** 10 || p.N > MAX_N || p.r < 1 || p.r > 32 || p.p < 1 || p.p > 16 || p.salt.length < 16) {
    throw new KeyError(`the passphrase slot asks for scrypt parameters outside the accepted range (${text})`);
  }
  return p;
}

export function deriveKey(passphrase: string, p: ScryptParams): Promise<Uint8Array> {
  if (passphrase.length === 0) return Promise.reject(new KeyError('the passphrase is empty'));
  const maxmem = 128 * p.N * p.r * 2 + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), p.salt, 32, { N: p.N, r: p.r, p: p.p, maxmem }, (err, key) => {
      if (err) reject(err);
      else resolve(new Uint8Array(key));
    });
  });
}
