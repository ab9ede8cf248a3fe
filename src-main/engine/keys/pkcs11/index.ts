import { systemClock, systemRandom } from '../../ports/clock.ts';
import { KeyUsageError } from '../key-errors.ts';
import { parseKeyRef } from '../key-ref.ts';
import { auditQuietly, type KeyContext, type ManagedKey } from '../kms/types.ts';
import { DEFAULT_MODULE, withSession } from './pkcs11-module.ts';
import { Pkcs11KeyError } from './pkcs11-errors.ts';
import { Pkcs11ManagedKey, type Pkcs11Config } from './pkcs11-key.ts';
import { Pkcs11StateFile } from './pkcs11-state.ts';
import { generateVersion, listVersions } from './token-keys.ts';

export { Pkcs11KeyError, type Pkcs11Problem } from './pkcs11-errors.ts';
export { PROVIDER_ID } from './pkcs11-keyring.ts';

export interface Pkcs11Options {
  /** The PKCS#11 library; default COFFER_PKCS11_MODULE, else SoftHSM2's. */
  module?: string;
  /** Asked once per key when no COFFER_PKCS11_PIN is set (the CLI prompts). */
  pin?: () => Promise<string>;
}

/** 'pkcs11:<token label>/<key label>' -> labels, or a plain error. '#' is reserved for versions. */
export function parsePkcs11Ref(ref: string): { token: string; key: string } {
  const parsed = parseKeyRef(ref);
  if (parsed.provider !== 'pkcs11') throw new KeyUsageError(`"${ref}" is not a pkcs11: key reference`);
  if (parsed.token.length > 32) throw new KeyUsageError(`bad token label "${parsed.token}": PKCS#11 token labels are at most 32 characters`);
  if (parsed.key.includes('#') || parsed.key.includes('/')) {
    throw new KeyUsageError(`bad key label "${parsed.key}": "#" and "/" are reserved (Coffer labels versions "<key>#v<N>")`);
  }
  return { token: parsed.token, key: parsed.key };
}

function configFor(ref: string, opts: Pkcs11Options): Pkcs11Config {
  const { token, key } = parsePkcs11Ref(ref);
  const envPin = process.env.COFFER_PKCS11_PIN;
  const pin = envPin !== undefined && envPin !== '' ? async () => envPin : opts.pin;
  return {
    token,
    key,
    modulePath: opts.module ?? process.env.COFFER_PKCS11_MODULE ?? DEFAULT_MODULE,
    pin: pin ?? (async () => {
      throw new Pkcs11KeyError('no-pin', `a PIN is needed for token "${token}": set COFFER_PKCS11_PIN or run in a terminal`);
    }),
  };
}

/**
 * Opens an HSM key. Nothing touches the token until it is used, so a vault opens while the token is
 * unplugged or the PIN unknown; status() then says 'missing' or 'locked' and why.
 */
export async function openPkcs11Key(ref: string, ctx: KeyContext, opts: Pkcs11Options = {}): Promise<ManagedKey> {
  const cfg = configFor(ref, opts);
  const canonical = `pkcs11:${cfg.token}/${cfg.key}`;
  return new Pkcs11ManagedKey(canonical, cfg, {
    clock: ctx.clock ?? systemClock,
    random: ctx.random ?? systemRandom,
    ...(ctx.audit ? { audit: ctx.audit } : {}),
    state: new Pkcs11StateFile(ctx.stateDir, canonical),
  });
}

/** Generates version 1 of a new non-extractable key on the token; refuses if the label is taken. */
export async function createPkcs11Key(ref: string, ctx: KeyContext, opts: Pkcs11Options = {}): Promise<ManagedKey> {
  const cfg = configFor(ref, opts);
  const pin = await cfg.pin();
  withSession(cfg.modulePath, cfg.token, pin, (s) => {
    if (listVersions(s, cfg.key).length > 0) throw new KeyUsageError(`token "${cfg.token}" already holds a key labelled "${cfg.key}"; open it instead`);
    generateVersion(s, cfg.key, 1);
  });
  const key = await openPkcs11Key(ref, ctx, { ...opts, pin: async () => pin });
  const state = new Pkcs11StateFile(ctx.stateDir, key.ref);
  const now = new Date((ctx.clock ?? systemClock).now()).toISOString();
  // A fresh key: no dates or deletion schedule carried over from an earlier key of the same name.
  await state.update((s) => ({ v: 1, ref: s.ref, rotationDays: s.rotationDays, versions: { '1': now } }));
  await auditQuietly(ctx.audit, { op: 'create', key: key.ref, version: 1, detail: `AES-256 on token "${cfg.token}", not extractable` });
  return key;
}
