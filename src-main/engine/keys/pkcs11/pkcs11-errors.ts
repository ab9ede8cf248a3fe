import { KeyUnavailableError } from '../../ports/key-provider.ts';

export type Pkcs11Problem =
  | 'no-module'
  | 'no-token'
  | 'no-pin'
  | 'wrong-pin'
  | 'pin-locked'
  | 'missing-key'
  | 'pending-deletion'
  | 'unwrap-failed'
  | 'damaged-state'
  | 'device-error';

/** The HSM key cannot be used; `problem` says why, the message says it for a person. */
export class Pkcs11KeyError extends KeyUnavailableError {
  constructor(readonly problem: Pkcs11Problem, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The CKR_* name of a pkcs11js error (its message is that name), or ''. */
export function ckr(err: unknown): string {
  const m = /CKR_[A-Z_]+/.exec(String((err as Error | null)?.message ?? ''));
  return m ? m[0] : '';
}

/** Maps a failed login to a plain error; anything else to a device error naming the CKR code. */
export function loginError(err: unknown, token: string): Pkcs11KeyError {
  switch (ckr(err)) {
    case 'CKR_PIN_INCORRECT':
      return new Pkcs11KeyError('wrong-pin', `the PIN for token "${token}" was rejected: check COFFER_PKCS11_PIN or the PIN you typed`, { cause: err });
    case 'CKR_PIN_LOCKED':
      return new Pkcs11KeyError('pin-locked', `the user PIN of token "${token}" is locked after too many wrong tries: the security officer must reset it`, { cause: err });
    case 'CKR_PIN_EXPIRED':
      return new Pkcs11KeyError('wrong-pin', `the user PIN of token "${token}" has expired: set a new one with the token's tools`, { cause: err });
    default:
      return deviceError(err, `log in to token "${token}"`);
  }
}

export function deviceError(err: unknown, doing: string): Pkcs11KeyError {
  if (err instanceof Pkcs11KeyError) return err;
  const code = ckr(err) || (err as Error | null)?.message || String(err);
  return new Pkcs11KeyError('device-error', `the HSM failed to ${doing} (${code})`, { cause: err });
}
