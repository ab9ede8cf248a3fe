import { createHash } from 'node:crypto';
import { RecoveryKeyTypoError } from './key-errors.ts';

/**
 * The recovery key as text a person can copy onto paper and type back:
 *   CR1-XXXX-XXXX-... (14 groups of 4, Crockford base32)
 * The 35 encoded bytes are the 32-byte key followed by 3 bytes of SHA-256 over a label and the key,
 * so a typo is caught before anything touches the bucket (a random typo slips through 1 in 16 million).
 * Crockford's alphabet has no I, L, O or U; when typed, I/L are read as 1 and O as 0.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PREFIX = 'CR1';
const KEY_BYTES = 32;
const CHECK_BYTES = 3;
const CHARS = ((KEY_BYTES + CHECK_BYTES) * 8) / 5; // 56, no padding

function checksum(key: Uint8Array): Buffer {
  return createHash('sha256').update('coffer-recovery-key-v1\0').update(key).digest().subarray(0, CHECK_BYTES);
}

export function encodeRecoveryKey(key: Uint8Array): string {
  if (key.length !== KEY_BYTES) throw new RangeError(`a recovery key is ${KEY_BYTES} bytes, got ${key.length}`);
  const bytes = Buffer.concat([Buffer.from(key), checksum(key)]);
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  const groups = out.match(/.{4}/g) ?? [];
  return [PREFIX, ...groups].join('-');
}

/** Parses typed text back to the 32-byte key; throws RecoveryKeyTypoError with a hint on any mismatch. */
export function decodeRecoveryKey(text: string): Uint8Array {
  let s = text.trim().toUpperCase().replace(/[\s-]/g, '');
  if (!s.startsWith(PREFIX)) {
    throw new RecoveryKeyTypoError(`recovery key has a typo: it should start with "${PREFIX}-"`);
  }
  s = s.slice(PREFIX.length).replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== CHARS) {
    throw new RecoveryKeyTypoError(
      `recovery key has a typo: expected ${CHARS} characters after "${PREFIX}-", found ${s.length}`);
  }
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const v = ALPHABET.indexOf(s[i] as string);
    if (v < 0) throw new RecoveryKeyTypoError(`recovery key has a typo: "${s[i]}" is not a valid character`);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  const buf = Buffer.from(bytes);
  const key = new Uint8Array(buf.subarray(0, KEY_BYTES));
  if (!checksum(key).equals(buf.subarray(KEY_BYTES))) {
    throw new RecoveryKeyTypoError('recovery key has a typo: its checksum does not match; check each group');
  }
  return key;
}
