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
  recoveryKey: Uint8Array;
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
  recoveryKey: b64key,
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
    recoveryKey: b64(set.recoveryKey),
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
    recoveryKey: key(s.recoveryKey),
  };
}
