import { UnsupportedError } from '../ports/store-errors.ts';
import { openStore, parseStoreUrl, type OpenStoreOptions } from '../store/open-store.ts';
import type { SseMode } from '../store/sse.ts';
import type { VaultSettings } from '../journal/settings-store.ts';

/**
 * A vault's server-side encryption setting (docs/KEYS.md): `none`, `aes256`, `aws:kms[:<key-id>]` or `c`.
 * The customer key of mode `c` is an object of its own (sse-key.ts); vault-stores.ts builds the stores.
 */
export type SseSetting = Pick<VaultSettings, 'sse' | 'sseKmsKeyId'>;

/** Parses `--sse none | aes256 | aws:kms[:<key-id>] | c`. */
export function parseSseFlag(flag: string | undefined): SseSetting {
  if (flag === undefined || flag === 'none') return { sse: 'none' };
  if (flag === 'aes256' || flag === 'c') return { sse: flag };
  if (flag === 'aws:kms') return { sse: 'aws:kms' };
  const kms = /^aws:kms:(.+)$/.exec(flag);
  if (kms) return { sse: 'aws:kms', sseKmsKeyId: kms[1]! };
  throw new UnsupportedError(`unknown --sse ${JSON.stringify(flag)}: use none, aes256, aws:kms[:<key-id>] or c`);
}

export function formatSse(s: SseSetting): string {
  return s.sse === 'aws:kms' && s.sseKmsKeyId ? `aws:kms:${s.sseKmsKeyId}` : s.sse;
}

/** The SseMode for the data store; for `c` the caller supplies the unsealed customer key. */
export function sseModeOf(s: SseSetting, customerKey?: Uint8Array): SseMode {
  switch (s.sse) {
    case 'none':
      return { mode: 'none' };
    case 'aes256':
      return { mode: 'aes256' };
    case 'aws:kms':
      return { mode: 'aws:kms', ...(s.sseKmsKeyId ? { keyId: s.sseKmsKeyId } : {}) };
    case 'c':
      if (!customerKey) throw new Error('SSE-C needs the customer key (keys/sse-c)');
      return { mode: 'c', key: customerKey };
  }
}

/** The SseMode of the key-slot store: SSE-C never applies to it; aes256 and aws:kms do (readers need nothing). */
export function slotsSseModeOf(s: SseSetting): SseMode {
  return s.sse === 'c' ? { mode: 'none' } : sseModeOf(s);
}

/**
 * Refuses a setting that cannot work before anything is written: SSE on a folder remote, SSE-C over
 * plain http to a non-loopback host (the S3 client refuses it; constructing one with a dummy key asks).
 */
export function checkSseSetting(remote: string, s: SseSetting, opts: OpenStoreOptions): void {
  if (s.sse === 'none') return;
  if (parseStoreUrl(remote).kind !== 's3') {
    throw new UnsupportedError(`server-side encryption (--sse ${formatSse(s)}) applies to S3 only, not to ${remote}`);
  }
  openStore(remote, { ...opts, sse: sseModeOf(s, new Uint8Array(32)) });
}
