import { z } from 'zod';
import type { RandomSource } from '../ports/clock.ts';
import { CorruptKeySetError, KeyUsageError } from './key-errors.ts';

/**
 * The vault key set: every version of the vault's 256-bit key, which one wraps new data keys, the
 * rotation schedule and a pending deletion. The same set lives in the keychain entry and, wrapped,
 * in the bucket's key slots. It also carries the recovery key, so that whoever may use the vault key
 * can rewrite the recovery slot after a rotation (holding the set already grants everything the
 * recovery key would).
 */
export interface VaultKeyVersion {
  version: number;
  key: Uint8Array;
  createdAt: string;
}

export interface VaultKeySet {
  vaultId: string;
  versions: VaultKeyVersion[];
  current: number;
  rotation: { periodDays: number; lastRotated: string };
  deletion?: { scheduledFor: string };
  /**
   * Absent in a team member's set whose role is not admin (docs/FORMAT.md §Team): the recovery key opens
   * everything, so only those who may change membership hold it.
   */
  recoveryKey?: Uint8Array;
  /** The holder's team identity: the owner's lives in the owner's set, so every device of the owner signs as the owner. */
  identity?: MemberIdentity;
  /** A former member's set, kept as it was, with who removed them and when (their client says so, then stops). */
  removed?: { by: string; at: string };
}

/**
 * A team member's identity: an Ed25519 signing key (raw 32-byte seed, base64url) and an age X25519 identity
 * ("AGE-SECRET-KEY-1…"). Key material: never logged, never sent to the UI.
 */
export interface MemberIdentity {
  member: string;
  signKey: string;
  ageIdentity: string;
}

export const ROTATION_DAYS = { min: 90, max: 2560, default: 365 } as const;
export const DELETION_DAYS = { min: 7, max: 30 } as const;
const DAY_MS = 86_400_000;

const b64key = z.string().refine((s) => Buffer.from(s, 'base64').length === 32, 'expected 32 bytes (base64)');

const storedSchema = z.object({
  format: z.literal('coffer-key-set'),
  v: z.literal(1),
  vaultId: z.string().min(1),
  versions: z.array(z.object({ version: z.number().int().positive(), key: b64key, createdAt: z.string() })).min(1),
  current: z.number().int().positive(),
  rotation: z.object({ periodDays: z.number().int(), lastRotated: z.string() }),
  deletion: z.object({ scheduledFor: z.string() }).optional(),
  recoveryKey: b64key.optional(),
  identity: z.strictObject({
    member: z.string().regex(/^[0-9a-f]{16,32}$/),
    signKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    ageIdentity: z.string().regex(/^AGE-SECRET-KEY-1[0-9A-Z]+$/),
  }).optional(),
  removed: z.strictObject({ by: z.string(), at: z.string() }).optional(),
});

export function newKeySet(vaultId: string, random: RandomSource, now: number): VaultKeySet {
  const createdAt = new Date(now).toISOString();
  return {
    vaultId,
    versions: [{ version: 1, key: random(32), createdAt }],
    current: 1,
    rotation: { periodDays: ROTATION_DAYS.default, lastRotated: createdAt },
    recoveryKey: random(32),
  };
}

/** Returns a new set with one more version, made current. */
export function withNewVersion(set: VaultKeySet, random: RandomSource, now: number): VaultKeySet {
  const version = Math.max(...set.versions.map((v) => v.version)) + 1;
  const createdAt = new Date(now).toISOString();
  return {
    ...set,
    versions: [...set.versions, { version, key: random(32), createdAt }],
    current: version,
    rotation: { ...set.rotation, lastRotated: createdAt },
  };
}

/** The set as one member may hold it: without the recovery key unless they are an admin, and without anyone's identity. */
export function memberCopy(set: VaultKeySet, opts: { admin: boolean; onlyCurrent?: boolean }): VaultKeySet {
  const { identity: _own, recoveryKey, removed: _r, ...rest } = set;
  const versions = opts.onlyCurrent ? rest.versions.filter((v) => v.version === rest.current) : rest.versions;
  return { ...rest, versions, ...(opts.admin && recoveryKey ? { recoveryKey } : {}) };
}

export function checkRotationPeriod(days: number): void {
  if (!Number.isInteger(days) || days < ROTATION_DAYS.min || days > ROTATION_DAYS.max) {
    throw new KeyUsageError(
      `rotation period must be a whole number of days from ${ROTATION_DAYS.min} to ${ROTATION_DAYS.max}, got ${days}`);
  }
}

export function checkDeletionWindow(days: number): void {
  if (!Number.isInteger(days) || days < DELETION_DAYS.min || days > DELETION_DAYS.max) {
    throw new KeyUsageError(
      `deletion waiting period must be ${DELETION_DAYS.min} to ${DELETION_DAYS.max} days, got ${days}`);
  }
}

export function nextRotation(set: VaultKeySet): number {
  return Date.parse(set.rotation.lastRotated) + set.rotation.periodDays * DAY_MS;
}

export function addDays(now: number, days: number): string {
  return new Date(now + days * DAY_MS).toISOString();
}

export function serializeKeySet(set: VaultKeySet): string {
  const b64 = (k: Uint8Array) => Buffer.from(k).toString('base64');
  return JSON.stringify({
    format: 'coffer-key-set',
    v: 1,
    vaultId: set.vaultId,
    versions: set.versions.map((v) => ({ version: v.version, key: b64(v.key), createdAt: v.createdAt })),
    current: set.current,
    rotation: set.rotation,
    ...(set.deletion ? { deletion: set.deletion } : {}),
    ...(set.recoveryKey ? { recoveryKey: b64(set.recoveryKey) } : {}),
    ...(set.identity ? { identity: set.identity } : {}),
    ...(set.removed ? { removed: set.removed } : {}),
  });
}

/** Parses a stored set; `where` names the source for the error ("keychain entry coffer/work"). */
export function parseKeySet(text: string, where: string, expectVaultId: string): VaultKeySet {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new CorruptKeySetError(`${where} is damaged (not valid JSON); restore it with your recovery key`, { cause });
  }
  const parsed = storedSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CorruptKeySetError(
      `${where} is damaged (${parsed.error.issues[0]?.message ?? 'invalid'}); restore it with your recovery key`);
  }
  const s = parsed.data;
  if (s.vaultId !== expectVaultId) {
    throw new CorruptKeySetError(`${where} holds the key of vault ${s.vaultId}, not of vault ${expectVaultId}`);
  }
  if (!s.versions.some((v) => v.version === s.current)) {
    throw new CorruptKeySetError(`${where} is damaged (current version ${s.current} missing); restore it with your recovery key`);
  }
  const key = (b: string) => new Uint8Array(Buffer.from(b, 'base64'));
  return {
    vaultId: s.vaultId,
    versions: s.versions.map((v) => ({ version: v.version, key: key(v.key), createdAt: v.createdAt })),
    current: s.current,
    rotation: s.rotation,
    ...(s.deletion ? { deletion: s.deletion } : {}),
    ...(s.recoveryKey ? { recoveryKey: key(s.recoveryKey) } : {}),
    ...(s.identity ? { identity: s.identity } : {}),
    ...(s.removed ? { removed: s.removed } : {}),
  };
}
